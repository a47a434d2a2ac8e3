"""The audit trail is append-only in the database itself (PostgreSQL): a row trigger refuses every UPDATE
and every DELETE of an entry, whoever the role (the owner and a superuser too; only an explicit
``ALTER TABLE … DISABLE TRIGGER`` by the owner gets past it, which is itself a logged DDL statement).

One exception: ``manage.py audit_purge`` sets the transaction-local ``zhifu.audit_purge_days`` to the
retention limit, and then a DELETE of a row older than that many days passes. The trigger checks both the
row's age and the limit's floor itself (``MIN_DAYS``), so no setting lets a younger row go."""

from django.db import migrations

MIN_DAYS = 180
TABLE = "zhifu_reopen_auditentry"

CREATE = f"""
CREATE OR REPLACE FUNCTION zhifu_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    days integer;
BEGIN
    IF TG_OP = 'DELETE' THEN
        BEGIN
            days := NULLIF(current_setting('zhifu.audit_purge_days', true), '')::integer;
        EXCEPTION WHEN invalid_text_representation THEN
            days := NULL;
        END;
        IF days IS NOT NULL AND days >= {MIN_DAYS} AND OLD.created_at < now() - make_interval(days => days) THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only: % of entry % refused', TG_OP, OLD.id
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Only manage.py audit_purge deletes entries older than the retention limit.';
END
$$;
DROP TRIGGER IF EXISTS zhifu_audit_append_only ON {TABLE};
CREATE TRIGGER zhifu_audit_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION zhifu_audit_append_only();
"""

DROP = f"""
DROP TRIGGER IF EXISTS zhifu_audit_append_only ON {TABLE};
DROP FUNCTION IF EXISTS zhifu_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("zhifu_reopen", "0007_audit_request_and_optional_target")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
