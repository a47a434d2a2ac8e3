import pytest

from approvals.demo import seed
from approvals.models import Application, Decision
from enterprises.management.commands.seed_demo import Command

pytestmark = pytest.mark.django_db


def test_seed_covers_every_state_chain_and_category(org):
    Command().ensure_users()
    assert seed() > 20
    statuses = set(Application.objects.values_list("status", flat=True))
    assert statuses == set(Application.Status.values)
    assert set(Application.objects.values_list("chain", flat=True)) == set(Application.Chain.values)
    assert set(Application.objects.values_list("category", flat=True)) == {
        "epidemic_supply", "livelihood", "key_backbone", "office_building", "general"}
    steps = set(Application.objects.exclude(current_step="").values_list("current_step", flat=True))
    assert steps == {"street", "department", "task_force", "signature"}
    assert Application.objects.filter(iteration__gt=1).exists()
    assert Application.objects.filter(online_work=True, status="approved").exists()
    assert Decision.objects.filter(actor__username="director_xy", outcome="signed").exists()
    assert seed() == 0  # idempotent
