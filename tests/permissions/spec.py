"""The permission matrix: every page and endpoint, every persona, in and out of scope.

Each app adds a module ``tests/permissions/cases_<app>.py`` with ``CASES: list[Case]`` and, when its
pages need objects, a builder in ``WORLD_BUILDERS`` (a function ``build(world)`` adding attributes).
``test_matrix.py`` runs every case for every persona and anonymous; ``test_every_url_has_a_case``
fails when a named URL has no case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

from tests.conftest import PERSONAS

ALL_PERSONAS = tuple(PERSONAS)


@dataclass
class Case:
    url: str  # URL name, e.g. "enterprises:detail"
    allowed: dict[str, int]  # persona → expected status (200, 302 after a POST, 400 …)
    args: Callable[[SimpleNamespace], list] = field(default=lambda w: [])
    method: str = "get"
    data: Callable[[SimpleNamespace], dict] | None = None
    default: int = 403  # every other persona: 403 (role has no business here) or 404 (out of scope)
    anonymous: int = 302  # login redirect; public pages say 200
    query: str = ""
    note: str = ""

    def expected(self, persona: str | None) -> int:
        if persona is None:
            return self.anonymous
        return self.allowed.get(persona, self.default)

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.url}{'?' + self.query if self.query else ''}"


def each(personas, status: int) -> dict[str, int]:
    return dict.fromkeys(personas, status)


STREET_XY = ("staff_xy", "secretary_xy", "director_xy")
STREET_DS = ("staff_ds", "secretary_ds", "director_ds")
