"""Rule tables: who may take which action on which object in which state — one declarative table per
workflow, and one function answering "may this user take this action on this object, and if not, why".

How a workflow is written (``approvals/rules.py`` and ``placards/rules.py`` are the two examples; the
patrol, liaison and enterprise-account workflows are written the same way):

1. **Rows.** Each ``Rule`` is one row: the ``action`` (a short code, e.g. ``"street_approve"``), the
   ``states`` it may be taken from, ``who`` may take it, and ``to``, the state it leads to (``None``: the
   state stays as it is — a remark, a reminder, an edit). A state is whatever the table's ``state_of``
   returns for an object: a plain value (a placard's status) or a tuple (an application's status, step
   and chain); ``ANY`` in a position of a row's state matches every value there. Several rows may share
   one action when the resulting state depends on the state (the street step leads to the department
   or to the signatures, by chain) or on a condition named in ``when`` (the second signature approves,
   the first does not); all rows of an action have the same ``who``.
2. **Who.** ``who`` is a tuple of ``Grant(role, scope)``: the role (``accounts.models.Role`` value, or
   ``SUPERUSER``) and the scope on which that role may act on the object — a name in the table's
   ``scopes``. The standard scopes are ``district`` (the user's scope covers the whole district),
   ``jurisdiction`` (the object's jurisdiction is one of the user's) and ``department``; a table adds its
   own (the street step's ``other_official``: the official of the street who did not file it).
   ``Grant(ANY, scope)`` admits any actor (the system included) on that scope — for an act whose
   authority is another workflow's decision (the placard an approval issues). A scope
   function returns True / False, or a refused ``Verdict`` with a reason of its own, or an allowed one
   carrying a ``note`` (an allowed exception the service records). ``Grant(..., on_pages=False)``: the
   role takes the action through another workflow (an inspector suspends a placard through a stop-work
   finding) — the service accepts it, no page offers it and ``roles_for`` leaves it out.
3. **Checks, in order.** ``may`` refuses: a signed-out actor where the row says why
   (``refuse_anonymous``) → a superuser where the act is personal (``refuse_superuser``) → who (no grant: the row's ``forbidden`` reason, code
   ``forbidden``) → freshness (the table's ``freshness``: the object moved on since the user saw it,
   a conflict) → state (no row for the object's state: the table's state refusal named by the row's
   ``refusal``) → the row's ``guards`` in order (named functions that refuse with their own reason).
   Input is validated by the service afterwards; the table answers only whether the act is open to
   this user on this object now.
4. **Use.** Services call ``table.require(user, action, obj, **ctx)`` (raises ``DomainError``, or
   ``Conflict`` when someone acted first, with the table's reason and code) and move the object with the
   returned verdict's ``rule.to``; pages call ``table.may(...)`` to show only the allowed actions;
   ``roles_required`` and the navigation take ``table.roles_for(action)``; the test walk
   (``tests/*/test_rules.py``) takes every (state, action, persona) against the services.

Messages are gettext_lazy strings or callables ``(obj, rule) -> str`` evaluated when refused, so a
refusal speaks the request's language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy

from .errors import Conflict, DomainError


class _Any:
    def __repr__(self) -> str:
        return "ANY"


ANY: Any = _Any()  # in a row's state: matches every value in that position
SUPERUSER = "superuser"  # a Grant role matching Django superusers (whatever their role field says)


@dataclass(frozen=True)
class Grant:
    role: str
    scope: str
    on_pages: bool = True


@dataclass(frozen=True, eq=False)
class Rule:
    action: str
    states: tuple
    who: tuple[Grant, ...]
    to: Any = None  # resulting state; None: unchanged
    label: Any = ""
    forbidden: Any = ""  # reason when no grant matches (str, lazy str or callable(obj, rule))
    refusal: str = ""  # name of the table's state refusal ("" = the table's default)
    when: str = ""  # name of a condition choosing this row among the action's rows
    guards: tuple[str, ...] = ()  # names of checks after the state, in order
    refuse_anonymous: Any = ""  # reason refusing a signed-out actor before anything else
    refuse_superuser: Any = ""  # reason refusing superusers before anything else (personal acts)
    then: str = ""  # an action that follows at once in this row's target state (documentation + walk)
    params: dict = field(default_factory=dict)  # values the row's checks read (e.g. the post signed)


@dataclass(frozen=True)
class Verdict:
    """``allowed`` or not, and why: ``reason`` (the message shown), ``code`` (the service's error code),
    ``check`` (which check refused: ``who``, ``state``, ``stale``, or a scope or guard name),
    ``conflict`` (someone acted first: 409). An allowed verdict names the ``rule`` (its ``to``) and any
    ``note`` its scope recorded."""

    allowed: bool
    reason: str = ""
    code: str = ""
    check: str = ""
    conflict: bool = False
    messages: tuple[str, ...] = ()
    note: str = ""
    rule: Rule | None = None

    def __bool__(self) -> bool:
        return self.allowed

    @classmethod
    def refuse(cls, reason, *, code: str = "forbidden", check: str = "", conflict: bool = False,
               messages: Iterable = ()) -> Verdict:
        return cls(False, str(reason), code=code, check=check, conflict=conflict,
                   messages=tuple(str(m) for m in messages))

    def raise_if_refused(self) -> Verdict:
        if not self.allowed:
            error = Conflict if self.conflict else DomainError
            raise error(self.reason, messages=list(self.messages), code=self.code)
        return self

    @property
    def target(self):
        return self.rule.to if self.rule is not None else None


# --- standard scopes: (table, user, scope, obj, ctx) -> bool | Verdict ---------------------------------

def scope_district(table, user, scope, obj, ctx):
    return bool(getattr(scope, "district", False))


def scope_jurisdiction(table, user, scope, obj, ctx):
    jurisdiction_id = table.jurisdiction_of(obj)
    return jurisdiction_id is not None and jurisdiction_id in getattr(scope, "jurisdiction_ids", ())


def scope_department(table, user, scope, obj, ctx):
    department_id = table.department_of(obj)
    return department_id is not None and department_id in getattr(scope, "department_ids", ())


STANDARD_SCOPES = {"district": scope_district, "jurisdiction": scope_jurisdiction, "department": scope_department}


def _message(value, obj, rule) -> str:
    return str(value(obj, rule) if callable(value) else value)


def _matches(pattern, state) -> bool:
    if isinstance(pattern, tuple) and isinstance(state, tuple):
        return len(pattern) == len(state) and all(p is ANY or p == s for p, s in zip(pattern, state, strict=True))
    return pattern is ANY or pattern == state


class Table:
    """One workflow's rules and the functions answering from them. See the module docstring."""

    def __init__(self, name: str, rules: Iterable[Rule], *, state_of: Callable, scope_of: Callable,
                 scopes: dict | None = None, guards: dict | None = None, conditions: dict | None = None,
                 refusals: dict | None = None, freshness: Callable | None = None,
                 jurisdiction_of: Callable = lambda obj: getattr(obj, "jurisdiction_id", None),
                 department_of: Callable = lambda obj: getattr(obj, "department_id", None)):
        self.name = name
        self.rules: tuple[Rule, ...] = tuple(rules)
        self.state_of = state_of
        self.scope_of = scope_of
        self.scopes = {**STANDARD_SCOPES, **(scopes or {})}
        self.guards = guards or {}
        self.conditions = conditions or {}
        self.refusals = refusals or {}
        self.freshness = freshness
        self.jurisdiction_of = jurisdiction_of
        self.department_of = department_of
        self._by_action: dict[str, list[Rule]] = {}
        for rule in self.rules:
            self._by_action.setdefault(rule.action, []).append(rule)
        self._validate()

    def _validate(self) -> None:
        for action, rows in self._by_action.items():
            first = rows[0]
            for row in rows:
                if row.who != first.who or row.forbidden != first.forbidden or row.refusal != first.refusal:
                    raise ValueError(f"{self.name}: the rows of {action!r} must share who, forbidden and refusal")
                for grant in row.who:
                    if grant.scope not in self.scopes:
                        raise ValueError(f"{self.name}: unknown scope {grant.scope!r} in {action!r}")
                for guard in row.guards:
                    if guard not in self.guards:
                        raise ValueError(f"{self.name}: unknown guard {guard!r} in {action!r}")
                if row.when and row.when not in self.conditions:
                    raise ValueError(f"{self.name}: unknown condition {row.when!r} in {action!r}")
                if row.refusal not in self.refusals and row.refusal != "":
                    raise ValueError(f"{self.name}: unknown refusal {row.refusal!r} in {action!r}")
                if row.then and row.then not in self._by_action:
                    raise ValueError(f"{self.name}: unknown follow-up {row.then!r} in {action!r}")

    # --- reading the table ------------------------------------------------------------------------

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(self._by_action)

    def rules_for(self, action: str) -> list[Rule]:
        try:
            return self._by_action[action]
        except KeyError:
            raise ValueError(f"{self.name}: no rule for action {action!r}") from None

    def roles_for(self, *actions: str) -> tuple[str, ...]:
        """The roles that may take any of ``actions`` on some object (pages and navigation: grants
        taken through another workflow and the superuser left out), in the table's order."""
        roles: list[str] = []
        for action in actions:
            for grant in self.rules_for(action)[0].who:
                if grant.on_pages and grant.role is not ANY and grant.role != SUPERUSER and grant.role not in roles:
                    roles.append(grant.role)
        return tuple(roles)

    def states_for(self, action: str) -> tuple:
        return tuple(state for rule in self.rules_for(action) for state in rule.states)

    def label(self, action: str) -> str:
        return str(self.rules_for(action)[0].label)

    # --- the answer ---------------------------------------------------------------------------------

    def may(self, user, action: str, obj, *, on_page: bool = False, **ctx) -> Verdict:
        """Whether ``user`` may take ``action`` on ``obj`` now, and if not, why. ``on_page``: as offered
        on a page (grants with ``on_pages=False`` do not count). ``ctx``: what the checks may read
        (e.g. ``seen_iteration``)."""
        rows = self.rules_for(action)
        first = rows[0]
        if first.refuse_anonymous and not getattr(user, "is_authenticated", False):
            return Verdict.refuse(_message(first.refuse_anonymous, obj, first), check="anonymous")
        if first.refuse_superuser and getattr(user, "is_superuser", False):
            return Verdict.refuse(_message(first.refuse_superuser, obj, first), check="superuser")
        who = self._who(user, first, obj, ctx, on_page=on_page)
        if not who.allowed:
            return who
        if self.freshness is not None:
            stale = self.freshness(obj, ctx)
            if stale is not None:
                return stale
        state = self.state_of(obj)
        row = next((r for r in rows if any(_matches(p, state) for p in r.states)
                    and (not r.when or self.conditions[r.when](self, obj, r, ctx))), None)
        if row is None:
            refusal = self.refusals[first.refusal or "default"]
            verdict = refusal(self, obj, first)
            return Verdict.refuse(verdict.reason, code=verdict.code or "out_of_order", check="state",
                                  conflict=verdict.conflict, messages=verdict.messages)
        for name in row.guards:
            refused = self.guards[name](self, user, obj, row, ctx)
            if refused is not None and not refused.allowed:
                return Verdict.refuse(refused.reason, code=refused.code, check=refused.check or name,
                                      conflict=refused.conflict, messages=refused.messages)
        return Verdict(True, note=who.note, rule=row)

    def _who(self, user, rule: Rule, obj, ctx, *, on_page: bool) -> Verdict:
        scope = self.scope_of(user)
        role = getattr(scope, "role", "")
        superuser = bool(getattr(user, "is_superuser", False))
        specific: Verdict | None = None
        for grant in rule.who:
            if on_page and not grant.on_pages:
                continue
            if not (grant.role is ANY or grant.role == role or (grant.role == SUPERUSER and superuser)):
                continue
            answer = self.scopes[grant.scope](self, user, scope, obj, ctx)
            if isinstance(answer, Verdict):
                if answer.allowed:
                    return answer
                specific = specific or Verdict.refuse(answer.reason, code=answer.code or "forbidden",
                                                      check=answer.check or grant.scope)
            elif answer:
                return Verdict(True)
        if specific is not None:
            return specific
        return Verdict.refuse(_message(rule.forbidden or gettext_lazy("您的岗位无权使用此功能。"), obj, rule),
                              check="who")

    def require(self, user, action: str, obj, **ctx) -> Verdict:
        """``may`` for a service: the allowed verdict, or the refusal raised (DomainError / Conflict)."""
        return self.may(user, action, obj, **ctx).raise_if_refused()

    def allowed_actions(self, user, obj, actions: Iterable[str] | None = None, **ctx) -> dict[str, Verdict]:
        """Every action (or those named) with its verdict as offered on a page."""
        return {a: self.may(user, a, obj, on_page=True, **ctx) for a in (actions or self.actions)}
