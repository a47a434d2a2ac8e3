"""The matrix's tests share one world (conftest.py) and leak nothing to one another.

Both runs below find the world as built, then change it everywhere a test can: the database (through a
page, as the matrix does, and directly), its files, the cache and the world's objects. If anything the
first run did reached the second, the second fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

SEEN: dict[str, int] = {}


@pytest.mark.parametrize("run", ["first", "second"])
def test_a_test_finds_the_world_as_built(world, settings, run):
    from approvals.models import Application
    from placards.models import Placard

    # The second run is over the same world as the first (built once), not over a world of its own.
    SEEN.setdefault("draft", world.app_draft.pk)
    assert world.app_draft.pk == SEEN["draft"]

    # The world as built: the draft with its one employee, the placard's file, nothing of the other run.
    draft = Application.objects.get(pk=world.app_draft.pk)
    assert draft.status == Application.Status.DRAFT
    assert draft.employees.count() == 1
    placard_file = Path(settings.MEDIA_ROOT) / Placard.objects.get(pk=world.placard_xy.pk).pdf.name
    assert placard_file.exists()
    assert not (Path(settings.MEDIA_ROOT) / "leak.txt").exists()
    assert cache.get("matrix-leak") is None
    assert not hasattr(world, "leak")
    assert world.users["staff_xy"].full_name == "staff_xy"

    # A persona's write through a page, as in the matrix …
    client = Client()
    client.force_login(world.users["staff_xy"])
    response = client.post(reverse("approvals:withdraw", args=[draft.pk]), {"reason": "企业暂不复工"})
    assert response.status_code == 302
    assert Application.objects.get(pk=draft.pk).status == Application.Status.WITHDRAWN
    # … and directly, in the files, the cache and on the objects.
    draft.employees.all().delete()
    placard_file.unlink()
    (Path(settings.MEDIA_ROOT) / "leak.txt").write_text(run)
    cache.set("matrix-leak", run)
    world.leak = run
    world.users["staff_xy"].full_name = run
