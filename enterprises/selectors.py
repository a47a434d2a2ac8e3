"""Reads of the enterprise registry, always scoped to the user."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.conf import settings
from django.db import connections
from django.db.models import BooleanField, Case, Count, F, Func, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.scope import scope_for
from org.models import Department, Jurisdiction
from zhifu_reopen.params import BadParameter, cursor_decode, cursor_encode, int_param, text_param

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


# ------------------------------------------------------------------------------------------ free text
# A term is looked for in the name and the address (and, when it is ASCII letters and digits, as the start
# of the credit code). On PostgreSQL the candidates come from the GIN index of migration 0008 over
# enterprises_search_grams(name, address) — every character and character bigram of each text — and a
# plain substring test (LIKE, escaped) keeps only the real matches; elsewhere the substring test alone.
SEARCH_GRAMS_FUNCTION = "enterprises_search_grams"
NAME_START = chr(1)  # the function's marker of the name's first one and two characters


def search_grams(term: str) -> list[str]:
    """The index keys every match of ``term`` holds: the character of a one-character term, else each of
    its character bigrams (a match holds them all; the substring test then drops the rest)."""
    if len(term) < 2:
        return [term]
    return sorted({term[i:i + 2] for i in range(len(term) - 1)})


class SearchGramsContain(Func):
    """enterprises_search_grams(name, address) @> ARRAY[…]: the indexed expression, written as the index
    was (so the planner can use it)."""

    function = SEARCH_GRAMS_FUNCTION
    template = "%(function)s(%(expressions)s) @> %(grams)s"
    output_field = BooleanField()

    def __init__(self, grams):
        self.grams = list(grams)
        super().__init__(F("name"), F("address"))

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = super().as_sql(compiler, connection, grams="%s::text[]", **extra_context)
        return sql, (*params, self.grams)


# A term whose rarest bigram is in at least this share of the firms is "dense": the index would hand over
# a long list to find TEXT_COUNT_CAP + 1 matches (its cost grows with the registry), while a plain scan
# finds them within about TEXT_COUNT_CAP / share rows (flat at any size). The shares are PostgreSQL's own
# statistics of the indexed expression (pg_stats.most_common_elems, from ANALYZE), read once a while.
DENSE_SHARE = 0.03
GRAM_SHARES_SECONDS = 600
_gram_shares: dict[str, tuple[float, dict[str, float]]] = {}


def gram_shares(using: str = "default") -> dict[str, float]:
    """The share of firms holding each frequent index key, per PostgreSQL's statistics (empty before the
    first ANALYZE); kept GRAM_SHARES_SECONDS in the process."""
    now = time.monotonic()
    cached = _gram_shares.get(using)
    if cached and cached[0] > now:
        return cached[1]
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE schemaname = current_schema() AND tablename = %s", ["ent_search_grams"],
        )
        row = cursor.fetchone()
    shares = dict(zip(row[0], row[1], strict=False)) if row and row[0] else {}
    _gram_shares[using] = (now + GRAM_SHARES_SECONDS, shares)
    return shares


def term_is_dense(term: str, using: str = "default") -> bool:
    shares = gram_shares(using)
    return min(shares.get(g, 0.0) for g in search_grams(term)) >= DENSE_SHARE


def text_search_q(term: str, *, vendor: str, indexed: bool = True) -> Q:
    """The enterprises whose name or address contains ``term`` (case as typed, as LIKE), or whose credit
    code starts with it (an ASCII term of letters and digits; codes are upper case).

    ``indexed`` (PostgreSQL): with the index condition, for reads that look for the matches. Without it
    for reads that already know where to look (by id, by name) or walk the name index: there the condition
    would only cost an evaluation of the function per row. A term with a control character (the function
    splits on one) is looked for without the index."""
    q = Q(name__contains=term) | Q(address__contains=term)
    if vendor == "postgresql" and indexed and term.isprintable():
        q = Q(SearchGramsContain(search_grams(term))) & q
    if term.isascii() and term.isalnum():
        q |= Q(credit_code__startswith=term.upper())
    return q



def enterprise_filter(user, filters: EnterpriseFilters, *, indexed: bool = True) -> QuerySet[Enterprise]:
    """The enterprises the user sees with these filters (``indexed``: see text_search_q)."""
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
        vendor = connections[qs.db].vendor
        if indexed and vendor == "postgresql" and scope_for(user).district and term_is_dense(filters.q, qs.db):
            # See DENSE_SHARE. (A narrower scope keeps the index: the planner ANDs it with the scope's own
            # index, where a scan would have to read past the other streets' matches.)
            indexed = False
        qs = qs.filter(text_search_q(filters.q, vendor=vendor, indexed=indexed))
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
    sql = f"SELECT coalesce(sum(n), 0) FROM {COUNTER_TABLE}"  # nosec B608: columns from a fixed tuple, table a constant; values are bound parameters
    if where:
        sql += " WHERE " + " AND ".join(where)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)  # nosemgrep: raw-sql-format -- fixed column names, values bound
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


# The order of a free-text search: the name equal to the term, then names starting with it, then the rest;
# by (name, id) within each tier. Its page cursors are (tier, name, id).
EXACT, PREFIX, REST = 0, 1, 2


# The largest code point: in a code-point collation every name starting with a term sorts in
# [term, term + MAX_CHAR).
MAX_CHAR = chr(0x10FFFF)
_codepoint_order: dict[str, bool] = {}


def codepoint_order(using: str = "default") -> bool:
    """Whether the database sorts text by code point (collation C, POSIX, C.UTF-8), where the names
    starting with a term are one range of the name index."""
    if using not in _codepoint_order:
        connection = connections[using]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT datcollate FROM pg_database WHERE datname = current_database()")
                collate = cursor.fetchone()[0]
            _codepoint_order[using] = collate in ("C", "POSIX") or collate.lower() in ("c.utf-8", "c.utf8")
        else:
            _codepoint_order[using] = connection.vendor == "sqlite"  # BINARY: code point order
    return _codepoint_order[using]


def _search_tier(base: QuerySet, qs: QuerySet, term: str, tier: int) -> QuerySet:
    """The rows of one tier: ``base`` the filters without the term (an exact or prefix match of the name
    contains the term: no substring test, which would only blur the planner's estimate), ``qs`` the
    search (the planner walks the name index for a dense term, or reads a sparse one from the index and
    sorts it; the function is evaluated only on the rows the substring test keeps)."""
    if tier == EXACT:
        return base.filter(name=term)
    if tier == PREFIX:
        qs = base.filter(name__startswith=term).exclude(name=term)
        if codepoint_order(qs.db):
            # One range of the name index, read in order: O(page) however many names start so.
            qs = qs.filter(name__gte=term, name__lt=term + MAX_CHAR)
        elif connections[qs.db].vendor == "postgresql" and term.isprintable():
            # Elsewhere the index's marker of the name's first characters finds them (then sorted).
            qs = qs.filter(SearchGramsContain([NAME_START + term[:2]]))
        return qs
    return qs.exclude(name__startswith=term)


def _search_rank(term: str) -> Case:
    return Case(When(name=term, then=Value(EXACT)), When(name__startswith=term, then=Value(PREFIX)),
                default=Value(REST), output_field=IntegerField())


def _search_cursor(token: str, name: str) -> tuple[int, str, int] | None:
    cursor = cursor_decode(token, int, str, int, name=name)
    if cursor and cursor[0] not in (EXACT, PREFIX, REST):
        raise BadParameter(name, _("翻页参数“%(name)s”无效，请从第一页重新查看。") % {"name": name})
    return cursor


def _after(cursor_name: str, pk: int) -> Q:
    # name >= x bounds the index scan (an OR alone would make PostgreSQL scan from the start).
    return Q(name__gte=cursor_name) & (Q(name__gt=cursor_name) | Q(id__gt=pk))


def _before(cursor_name: str, pk: int) -> Q:
    return Q(name__lte=cursor_name) & (Q(name__lt=cursor_name) | Q(id__lt=pk))


def _python_rank(term: str, name: str) -> int:
    return EXACT if name == term else PREFIX if name.startswith(term) else REST


def _text_search_page(qs: QuerySet, base: QuerySet, term: str, *, after: str, before: str,
                      size: int, in_pass: bool = False) -> KeysetPage:
    """A page of a free-text search in its order (exact name, name prefix, the rest), with its total.

    One unordered pass (from the index on PostgreSQL) collects up to TEXT_COUNT_CAP + 1 matching ids. Up to
    the cap the total is exact and the page is ordered among those ids (one query: a sort of at most
    TEXT_COUNT_CAP rows). Past it the total is "cap+" and the page is read tier by tier, each in (name, id)
    order with its own LIMIT (_search_tier): the exact name and the prefix tier from the name index, the
    rest as the planner sees fit. ``qs``: the search (with the index condition unless the term is dense);
    ``base``: the filters without the term."""
    cursor_after = _search_cursor(after, "after") if after else None
    cursor_before = _search_cursor(before, "before") if before and not cursor_after else None
    if in_pass:
        found = list(qs.order_by().values(*PAGE_COLUMNS)[: TEXT_COUNT_CAP + 1])
        ids = [row["id"] for row in found]
    else:
        ids = list(qs.order_by().values_list("id", flat=True)[: TEXT_COUNT_CAP + 1])
    capped = len(ids) > TEXT_COUNT_CAP
    backwards = cursor_before is not None
    cursor = cursor_before or cursor_after
    if not ids:
        chunk = []
    elif in_pass and not capped:
        keyed = sorted(((_python_rank(term, row["name"]), row["name"], row["id"]), row) for row in found)
        if cursor:
            keyed = [kr for kr in keyed if (kr[0] < cursor if backwards else kr[0] > cursor)]
        if backwards:
            keyed.reverse()
        chunk = [{**row, "search_rank": key[0]} for key, row in keyed[: size + 1]]
    elif not capped:
        # The ids already passed the filters and the scope: only they are read, by primary key.
        ranked = (Enterprise.objects.using(qs.db).filter(pk__in=ids).values(*PAGE_COLUMNS)
                  .annotate(search_rank=_search_rank(term)))
        if cursor:
            rank, name, pk = cursor
            keyset = _before(name, pk) if backwards else _after(name, pk)
            ranked = ranked.filter(Q(search_rank__lt=rank) | (Q(search_rank=rank) & keyset) if backwards
                                   else Q(search_rank__gt=rank) | (Q(search_rank=rank) & keyset))
        order = ("-search_rank", "-name", "-id") if backwards else ("search_rank", "name", "id")
        chunk = list(ranked.order_by(*order)[: size + 1])
    else:
        chunk = []
        tiers = (REST, PREFIX, EXACT) if backwards else (EXACT, PREFIX, REST)
        for tier in tiers:
            if cursor and (tier > cursor[0] if backwards else tier < cursor[0]):
                continue
            rows = _search_tier(base.values(*PAGE_COLUMNS), qs.values(*PAGE_COLUMNS), term, tier)
            if cursor and tier == cursor[0]:
                rows = rows.filter(_before(*cursor[1:]) if backwards else _after(*cursor[1:]))
            order = ("-name", "-id") if backwards else ("name", "id")
            chunk += [{**row, "search_rank": tier} for row in rows.order_by(*order)[: size + 1 - len(chunk)]]
            if len(chunk) > size:
                break
    more = len(chunk) > size
    rows = chunk[:size]
    if backwards:
        rows.reverse()
    has_more_before, has_more_after = (more, True) if backwards else (cursor_after is not None, more)

    def token(row):
        return cursor_encode(row.pop("search_rank"), row["name"], row["id"])

    first_token = token(rows[0]) if rows else None
    last_token = token(rows[-1]) if len(rows) > 1 else first_token
    for row in rows:
        row.pop("search_rank", None)
    return KeysetPage(
        rows=rows,
        next_token=last_token if rows and has_more_after else None,
        prev_token=first_token if rows and has_more_before else None,
        total=TEXT_COUNT_CAP if capped else len(ids),
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
        cursor.execute(  # nosemgrep: raw-sql-format -- table names from _meta, no values
            f"SELECT 'j', id, name, code FROM {j} UNION ALL SELECT 'd', id, name, code FROM {d} ORDER BY 1, 4"  # nosec B608: table names from the models' _meta; no value is interpolated
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
        db = qs.db
        # A sparse term read from the index in a code-point database: its first pass reads the page's
        # columns, and the page is sorted in Python (the same order as the database's), one query less.
        in_pass = (connections[db].vendor == "postgresql" and codepoint_order(db) and filters.q.isprintable()
                   and not (scope_for(user).district and term_is_dense(filters.q, db)))
        page = _text_search_page(qs, enterprise_filter(user, replace(filters, q="")), filters.q, after=after,
                                 before=before, size=size, in_pass=in_pass)
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
