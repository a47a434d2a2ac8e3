# semgrep --test fixtures for raw-sql-format ("ruleid" lines must match, "ok" lines must not).
from django.db import connection
from django.db.models.expressions import RawSQL

from enterprises.models import Enterprise


def bad(request, name, pk):
    with connection.cursor() as cursor:
        # ruleid: raw-sql-format
        cursor.execute(f"SELECT id FROM enterprises_enterprise WHERE name = '{name}'")
        # ruleid: raw-sql-format
        cursor.execute("SELECT id FROM enterprises_enterprise WHERE id = %s" % pk)
        # ruleid: raw-sql-format
        cursor.execute("SELECT id FROM enterprises_enterprise WHERE name = '{}'".format(name))
        sql = f"DELETE FROM enterprises_enterprise WHERE id = {pk}"
        # ruleid: raw-sql-format
        cursor.execute(sql)
    # ruleid: raw-sql-format
    a = Enterprise.objects.raw(f"SELECT * FROM enterprises_enterprise WHERE name = '{name}'")
    # ruleid: raw-sql-format
    b = Enterprise.objects.annotate(x=RawSQL("name = '%s'" % name, ()))
    # ruleid: raw-sql-format
    c = Enterprise.objects.extra(where=[f"name = '{name}'"])
    # ruleid: raw-sql-format
    d = Enterprise.objects.extra(where=["name = '" + name + "'"])
    return a, b, c, d


def good(request, name, pk):
    with connection.cursor() as cursor:
        # ok: raw-sql-format
        cursor.execute("SELECT id FROM enterprises_enterprise WHERE name = %s", [name])
        sql = "SELECT id FROM enterprises_enterprise WHERE id = %s"
        # ok: raw-sql-format
        cursor.execute(sql, [pk])
    # ok: raw-sql-format
    a = Enterprise.objects.raw("SELECT * FROM enterprises_enterprise WHERE name = %s", [name])
    # ok: raw-sql-format
    b = Enterprise.objects.annotate(x=RawSQL("name = %s", (name,)))
    # ok: raw-sql-format
    c = Enterprise.objects.extra(where=["name = %s"], params=[name])
    return a, b, c
