import pytest

from accounts.demo import ensure_users
from approvals.demo import seed
from approvals.models import Application, Decision

pytestmark = pytest.mark.django_db


def test_seed_covers_every_state_chain_and_category(org):
    ensure_users()
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


def test_seed_gives_each_street_two_officials_and_the_filer_never_reviews(org):
    from approvals.services.common import street_officials_count
    from org.models import Jurisdiction

    ensure_users()
    seed()
    for code in ("370602001", "370602002"):
        assert street_officials_count(Jurisdiction.objects.get(code=code).pk) == 2
    street = Decision.objects.filter(kind="street").select_related("application")
    assert street.exists()
    assert all(d.actor_id != d.application.filed_by_id for d in street)
    assert not Decision.objects.filter(kind="street", post__contains="经办人兼任").exists()
