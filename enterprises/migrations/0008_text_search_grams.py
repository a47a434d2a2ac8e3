"""Free-text search on firm names and addresses (issue 12): a GIN index over the characters and character
bigrams of name and address, so that a term of any length finds its candidates from the index and a
substring recheck keeps only the real matches (``enterprises.selectors.text_search_q``).

``enterprises_search_grams(name, address)`` is an IMMUTABLE SQL function returning every character and
every pair of adjacent characters of name and address (joined by a control character, so no pair spans
the two but through it), plus two markers of how the name starts (chr(1) followed by its first one and two characters: the "name starts
with the term" tier of the list's order reads them). The index is on that expression; the selectors
write the very same expression, so the planner matches it.

PostgreSQL only: on other databases (the SQLite laptop default) this migration does nothing and the list
searches with a plain contains.
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION enterprises_search_grams(name text, address text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    -- name and address joined by chr(30); every character (string_to_array with a NULL delimiter), and
    -- every pair: each character c doubled as c chr(31) c, so that splitting on chr(31) gives the first
    -- character, each adjacent pair, the last character. (A term with a control character is searched
    -- without the index: see text_search_q.)
    SELECT ARRAY[chr(1) || left(name, 1), chr(1) || left(name, 2)]
        || string_to_array(name || chr(30) || address, NULL)
        || string_to_array(regexp_replace(name || chr(30) || address, '.', '\&' || chr(31) || '\&', 'g'), chr(31))
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
