"""Reads of the enterprise registry, always scoped to the user."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import connections
from django.db.models import Count, Q, QuerySet

from accounts.models import Role
from accounts.scope import scope_for
from org.models import Department, Jurisdiction
from zhifu_reopen.params import cursor_decode, cursor_encode, int_param, text_param

from .models import Enterprise

LIST_COLUMNS = (
    "id", "name", "credit_code", "scale", "category", "operating_status", "employee_count",
    "last_visited_on", "jurisdiction__name", "department__name", "prevention_contact",
)
# The list page reads the enterprises alone (no joins: cheaper to plan and run) and names the jurisdiction and
# department from one query over those two small tables (OrgNames), which also fills the filter bar.
PAGE_COLUMNS = (
    "id", "name", "credit_code", "scale", "category", "operating_status", "employee_count",
    "last_visited_on", "jurisdiction_id", "department_id", "prevention_contact",
)
COUNT_CAP = 10000
# With a free-text term the total is exact up to this many matches, else shown as "1000+".
TEXT_COUNT_CAP = 1000


@dataclass
class EnterpriseFilters:
    jurisdiction: int | None = None
    scale: str = ""
    category: str = ""
    status: str = ""
    department: int | None = None
    q: str = ""

    @classmethod
    def from_params(cls, params) -> EnterpriseFilters:
        """The filters from a query string (or saved filters). A value that cannot be read (a NUL byte,
        a number that is not one) is a BadParameter (400); a readable value that names no choice simply
        matches nothing, and jurisdiction=0 filters nothing, as before."""
        return cls(
            jurisdiction=int_param(params, "jurisdiction", min_value=0),
            scale=text_param(params, "scale", max_length=30),
            category=text_param(params, "category", max_length=30),
            status=text_param(params, "status", max_length=30),
            department=int_param(params, "department", min_value=0),
            q=text_param(params, "q", max_length=50),
        )

    def as_params(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.__dict__.items() if v not in (None, "")}


def mask_mobile(mobile: str) -> str:
    """A mobile shown masked, as the roster masks returning employees' (138****8000)."""
    if not mobile:
        return ""
    return mobile[:3] + "****" + mobile[-4:] if len(mobile) == 11 else "****"


def contact_mobile_visible(user):
    """Who may see an enterprise's prevention contact's mobile in full: the street staff of the enterprise's
    street and the task force (and superusers); everyone else sees it masked (mask_mobile). Returns a
    predicate on the enterprise's jurisdiction id, so an export decides row by row."""
    scope = scope_for(user)
    if user.is_superuser or scope.role == Role.TASK_FORCE:
        return lambda jurisdiction_id: True
    if scope.role == Role.STREET_STAFF:
        own = scope.jurisdiction_ids
        return lambda jurisdiction_id: jurisdiction_id in own
    return lambda jurisdiction_id: False


def contact_mobile_for(user, enterprise: Enterprise) -> str:
    mobile = enterprise.prevention_mobile
    return mobile if contact_mobile_visible(user)(enterprise.jurisdiction_id) else mask_mobile(mobile)


def enterprises_visible(user) -> QuerySet[Enterprise]:
    return Enterprise.objects.visible_to(user)


def enterprise_get(user, pk: int) -> Enterprise:
    """The enterprise if the user may see it; Enterprise.DoesNotExist (→ 404) otherwise."""
    return enterprises_visible(user).select_related("jurisdiction", "department", "community", "grid").get(
        pk=pk
    )


def enterprise_filter(user, filters: EnterpriseFilters) -> QuerySet[Enterprise]:
    qs = enterprises_visible(user)
    if filters.jurisdiction:
        qs = qs.filter(jurisdiction_id=filters.jurisdiction)
    if filters.department:
        qs = qs.filter(department_id=filters.department)
    if filters.scale:
        qs = qs.filter(scale=filters.scale)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.status:
        qs = qs.filter(operating_status=filters.status)
    if filters.q:
        term = filters.q
        # Plain contains (LIKE, not UPPER LIKE) is enough for Chinese names; codes are upper-case ASCII,
        # so only an ASCII term can be the start of one.
        q = Q(name__contains=term)
        if term.isascii() and term.isalnum():
            q |= Q(credit_code__startswith=term.upper())
        qs = qs.filter(q)
    return qs


def _encode(name: str, pk: int) -> str:
    return cursor_encode(name, pk)


def _decode(token: str, name: str) -> tuple[str, int] | None:
    """The (name, id) of a page cursor; BadParameter (400) when the token is not one of ours."""
    return cursor_decode(token, str, int, name=name)


@dataclass
class KeysetPage:
    rows: list[dict]
    next_token: str | None
    prev_token: str | None
    total: int
    total_capped: bool


COUNTER_TABLE = "enterprises_enterprise_count"


def counted_total(user, filters: EnterpriseFilters, *, using: str = "default") -> int | None:
    """The exact number of enterprises the user sees with these filters, read from the counter table that
    PostgreSQL triggers keep (migration 0002) — no COUNT(*) over the enterprises, so flat at any data size.

    None when the counter table cannot answer: not on PostgreSQL, a free-text term, or a scope that is
    not a plain set of jurisdictions / departments (a liaison's assigned enterprises)."""
    connection = connections[using]
    if filters.q or connection.vendor != "postgresql":
        return None
    scope = scope_for(user)
    if scope.liaison_user_id and not scope.district:
        return None
    where, params = [], []
    if not scope.district:
        ors = []
        if scope.jurisdiction_ids:
            ors.append("jurisdiction_id = ANY(%s)")
            params.append(sorted(scope.jurisdiction_ids))
        if scope.department_ids:
            ors.append("department_id = ANY(%s)")
            params.append(sorted(scope.department_ids))
        if not ors:
            return 0
        where.append("(" + " OR ".join(ors) + ")")
    for column, value in (
        ("jurisdiction_id", filters.jurisdiction), ("department_id", filters.department),
        ("scale", filters.scale), ("category", filters.category), ("operating_status", filters.status),
    ):
        if value:  # the same truthiness as enterprise_filter: jurisdiction=0 filters nothing there either
            where.append(f"{column} = %s")
            params.append(value)
    sql = f"SELECT coalesce(sum(n), 0) FROM {COUNTER_TABLE}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])


def keyset_page(qs: QuerySet, *, after: str = "", before: str = "", size: int = 50,
                total: int | None = None, capped: bool = False,
                columns: tuple[str, ...] = LIST_COLUMNS) -> KeysetPage:
    """A page of rows ordered by (name, id); first / previous / next rather than page N (flat at any
    depth, unlike OFFSET). ``total``: an exact total known without counting (the counter table);
    otherwise a capped COUNT over at most COUNT_CAP + 1 rows ("10000+")."""
    values = qs.values(*columns)
    cursor_after = _decode(after, "after") if after else None
    cursor_before = _decode(before, "before") if before and not cursor_after else None
    if cursor_before:
        name, pk = cursor_before
        chunk = list(
            values.filter(Q(name__lte=name), Q(name__lt=name) | Q(id__lt=pk)).order_by("-name", "-id")[
                : size + 1
            ]
        )
        has_more_before = len(chunk) > size
        rows = list(reversed(chunk[:size]))
        has_more_after = True
    else:
        if cursor_after:
            name, pk = cursor_after
            # name >= x bounds the index scan (an OR alone would make PostgreSQL scan from the start).
            values = values.filter(Q(name__gte=name), Q(name__gt=name) | Q(id__gt=pk))
        chunk = list(values.order_by("name", "id")[: size + 1])
        has_more_after = len(chunk) > size
        rows = chunk[:size]
        has_more_before = cursor_after is not None
    if total is None:
        total = qs.order_by()[: COUNT_CAP + 1].count()
        capped = total > COUNT_CAP
        total = min(total, COUNT_CAP)
    return KeysetPage(
        rows=rows,
        next_token=_encode(rows[-1]["name"], rows[-1]["id"]) if rows and has_more_after else None,
        prev_token=_encode(rows[0]["name"], rows[0]["id"]) if rows and has_more_before else None,
        total=total,
        total_capped=capped,
    )


@dataclass
class OrgNames:
    jurisdictions: list[tuple[int, str]]  # (id, name) in code order
    jurisdiction_names: dict[int, str]
    department_names: dict[int, str]


# org_names memoised per process under the district's cache version (accounts.scope: every change of a
# jurisdiction or department bumps it, again on commit), one entry per database; the age limit is the
# scopes' own backstop.
ORG_NAMES_SECONDS = 300
_org_names_memo: dict[str, tuple[int, float, OrgNames]] = {}


def org_names(using: str = "default", *, user=None) -> OrgNames:
    """Names of all jurisdictions and departments (two small tables) in one query — or none: with
    ``user``, memoised in this process while the district's version that the user's scope was read
    under stands (nothing is memoised when the cache cannot say, e.g. Redis down)."""
    version = scope_for(user).district_version if user is not None else None
    database = connections[using].settings_dict["NAME"]
    if version is not None:
        memo = _org_names_memo.get(database)
        if memo and memo[0] == version and memo[1] > time.monotonic():
            return memo[2]
    j, d = Jurisdiction._meta.db_table, Department._meta.db_table
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT 'j', id, name, code FROM {j} UNION ALL SELECT 'd', id, name, code FROM {d} ORDER BY 1, 4"
        )
        rows = cursor.fetchall()
    jurisdictions = [(pk, name) for kind, pk, name, _code in rows if kind == "j"]
    names = OrgNames(
        jurisdictions=jurisdictions,
        jurisdiction_names=dict(jurisdictions),
        department_names={pk: name for kind, pk, name, _code in rows if kind == "d"},
    )
    if version is not None and not connections[using].in_atomic_block:
        # Not inside a transaction: its own uncommitted org rows are no one else's names.
        _org_names_memo[database] = (version, time.monotonic() + ORG_NAMES_SECONDS, names)
    return names


def enterprise_list_page(user, filters: EnterpriseFilters, *, after: str = "", before: str = "",
                         size: int = 50, names: OrgNames | None = None) -> KeysetPage:
    """The list page's rows (with jurisdiction__name and department__name, as LIST_COLUMNS) and total:
    keyset rows plus the counter-table total when it can answer, else a capped count."""
    qs = enterprise_filter(user, filters)
    names = names or org_names(qs.db)
    if filters.q:
        # Free text cannot use an index here. One unordered pass collects up to TEXT_COUNT_CAP + 1
        # matching ids: it stops early for a frequent term, and for a rare one (which an ordered index
        # scan would chase through the whole name index) it gives the exact total and confines the page
        # query to those ids.
        ids = list(qs.order_by().values_list("id", flat=True)[: TEXT_COUNT_CAP + 1])
        if len(ids) > TEXT_COUNT_CAP:
            page = keyset_page(qs, after=after, before=before, size=size, columns=PAGE_COLUMNS,
                               total=TEXT_COUNT_CAP, capped=True)
        else:
            page = keyset_page(qs.filter(pk__in=ids) if ids else qs.none(), after=after, before=before,
                               size=size, columns=PAGE_COLUMNS, total=len(ids))
    else:
        page = keyset_page(qs, after=after, before=before, size=size, columns=PAGE_COLUMNS,
                           total=counted_total(user, filters, using=qs.db))
    jurisdiction_names, department_names = names.jurisdiction_names, names.department_names
    for row in page.rows:
        row["jurisdiction__name"] = jurisdiction_names.get(row["jurisdiction_id"], "")
        row["department__name"] = department_names.get(row["department_id"])
    return page


def survey_coverage(user, days: int | None = None) -> list[dict]:
    """Per jurisdiction in the user's scope: enterprises, enterprises visited within ``days`` days, and the
    share."""
    days = days or settings.SURVEY_COVERAGE_DAYS
    since = date.today() - timedelta(days=days)
    scope = scope_for(user)
    jurisdictions = scope.filter_jurisdictions(Jurisdiction.objects.all())
    enterprises = enterprises_visible(user).filter(jurisdiction__in=jurisdictions)
    counts = {
        row["jurisdiction_id"]: row
        for row in enterprises.values("jurisdiction_id").annotate(
            total=Count("id"), visited=Count("id", filter=Q(last_visited_on__gte=since))
        )
    }
    result = []
    for jurisdiction in jurisdictions:
        row = counts.get(jurisdiction.pk, {"total": 0, "visited": 0})
        share = round(row["visited"] * 100 / row["total"], 1) if row["total"] else 0.0
        result.append(
            {"jurisdiction": jurisdiction, "total": row["total"], "visited": row["visited"], "share": share}
        )
    return result
