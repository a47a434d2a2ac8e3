"""Free-text search on firm names and addresses (issue 12): a GIN index over the characters and character
bigrams of name and address, so that a term of any length finds its candidates from the index and a
substring recheck keeps only the real matches (``enterprises.selectors.text_search_q``).

``enterprises_search_grams(name, address)`` is an IMMUTABLE SQL function returning, for each of the two
texts on its own (no bigram across the two), every character and every pair of adjacent characters, plus
two markers of how the name starts (chr(1) followed by its first one and two characters: the "name starts
with the term" tier of the list's order reads them). The index is on that expression; the selectors
write the very same expression, so the planner matches it.

PostgreSQL only: on other databases (the SQLite laptop default) this migration does nothing and the list
searches with a plain contains.
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION enterprises_search_grams(name text, address text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT ARRAY(
        SELECT g
        FROM (
            SELECT a, b FROM unnest(string_to_array(name, NULL), (string_to_array(name, NULL))[2:]) AS n(a, b)
            UNION ALL
            SELECT a, b FROM unnest(string_to_array(address, NULL), (string_to_array(address, NULL))[2:]) AS d(a, b)
        ) AS pairs, LATERAL (VALUES (a), (a || b)) AS grams(g)
        WHERE g IS NOT NULL
        UNION ALL SELECT chr(1) || left(name, 1)
        UNION ALL SELECT chr(1) || left(name, 2)
    )
$$;

CREATE INDEX ent_search_grams ON enterprises_enterprise USING gin (enterprises_search_grams(name, address));
"""

BACKWARD = """
DROP INDEX IF EXISTS ent_search_grams;
DROP FUNCTION IF EXISTS enterprises_search_grams(text, text);
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0007_daily_regime_index")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
