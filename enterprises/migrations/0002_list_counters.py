"""Exact firm totals for the list page without COUNT(*): a counter table per (jurisdiction, department,
scale, category, operating status), kept by PostgreSQL statement-level triggers with transition tables.

PostgreSQL only: on other databases (the SQLite laptop default) this migration does nothing and the list
falls back to a capped COUNT. The table is not a Django model; ``enterprises.selectors`` reads it.
"""

from django.db import migrations

KEY = "jurisdiction_id, department_id, scale, category, operating_status"
SOURCE_KEY = "jurisdiction_id, coalesce(department_id, 0), scale, category, operating_status"
UPSERT = f"""
    INSERT INTO enterprises_enterprise_count AS c ({KEY}, n)
    SELECT {KEY}, sum(d) FROM ({{rows}}) AS delta({KEY}, d)
    GROUP BY {KEY} HAVING sum(d) <> 0 ORDER BY {KEY}
    ON CONFLICT ({KEY}) DO UPDATE SET n = c.n + EXCLUDED.n;
"""

FORWARD = f"""
CREATE TABLE enterprises_enterprise_count (
    jurisdiction_id bigint NOT NULL,
    department_id bigint NOT NULL,  -- 0: no department
    scale varchar(10) NOT NULL,
    category varchar(20) NOT NULL,
    operating_status varchar(20) NOT NULL,
    n bigint NOT NULL,
    PRIMARY KEY ({KEY})
);

CREATE FUNCTION enterprises_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{UPSERT.format(rows=f"SELECT {SOURCE_KEY}, 1 FROM new_rows")}
    RETURN NULL;
END $$;

CREATE FUNCTION enterprises_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{UPSERT.format(rows=f"SELECT {SOURCE_KEY}, -1 FROM old_rows")}
    RETURN NULL;
END $$;

CREATE FUNCTION enterprises_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{UPSERT.format(rows=f"SELECT {SOURCE_KEY}, 1 FROM new_rows UNION ALL SELECT {SOURCE_KEY}, -1 FROM old_rows")}
    RETURN NULL;
END $$;

CREATE FUNCTION enterprises_count_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM enterprises_enterprise_count;
    RETURN NULL;
END $$;

CREATE TRIGGER enterprises_count_insert AFTER INSERT ON enterprises_enterprise
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION enterprises_count_insert();
CREATE TRIGGER enterprises_count_delete AFTER DELETE ON enterprises_enterprise
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION enterprises_count_delete();
CREATE TRIGGER enterprises_count_update AFTER UPDATE ON enterprises_enterprise
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION enterprises_count_update();
CREATE TRIGGER enterprises_count_truncate AFTER TRUNCATE ON enterprises_enterprise
    FOR EACH STATEMENT EXECUTE FUNCTION enterprises_count_truncate();

INSERT INTO enterprises_enterprise_count ({KEY}, n)
SELECT {SOURCE_KEY}, count(*) FROM enterprises_enterprise GROUP BY 1, 2, 3, 4, 5;
"""

BACKWARD = """
DROP TRIGGER IF EXISTS enterprises_count_insert ON enterprises_enterprise;
DROP TRIGGER IF EXISTS enterprises_count_delete ON enterprises_enterprise;
DROP TRIGGER IF EXISTS enterprises_count_update ON enterprises_enterprise;
DROP TRIGGER IF EXISTS enterprises_count_truncate ON enterprises_enterprise;
DROP FUNCTION IF EXISTS enterprises_count_insert();
DROP FUNCTION IF EXISTS enterprises_count_delete();
DROP FUNCTION IF EXISTS enterprises_count_update();
DROP FUNCTION IF EXISTS enterprises_count_truncate();
DROP TABLE IF EXISTS enterprises_enterprise_count;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
