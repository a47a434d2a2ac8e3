import pytest

from placards.models import Placard
from placards.services import placard_reinstate, placard_revoke, placard_suspend
from zhifu_reopen.errors import DomainError
from zhifu_reopen.models import AuditEntry

from .helpers import approve

pytestmark = pytest.mark.django_db


@pytest.fixture
def placard(enterprise_xy, personas):
    return approve(enterprise_xy, personas["secretary_xy"])


def test_suspend_reinstate_revoke_cycle(placard, personas):
    tf = personas["taskforce"]
    placard = placard_suspend(placard=placard, actor=tf, reason="责令停工整改")
    assert placard.status == Placard.Status.SUSPENDED and placard.status_reason == "责令停工整改"
    placard = placard_reinstate(placard=placard, actor=tf, reason="复查合格")
    assert placard.status == Placard.Status.VALID
    placard = placard_revoke(placard=placard, actor=tf, reason="拒不整改，依法关停")
    assert placard.status == Placard.Status.REVOKED
    with pytest.raises(DomainError, match="不能执行此操作"):
        placard_reinstate(placard=placard, actor=tf, reason="再次申请")
    actions = list(AuditEntry.objects.filter(target_type="placards.placard", target_id=placard.pk)
                   .order_by("id").values_list("action", "reason"))
    assert actions[1:] == [("placard.suspend", "责令停工整改"), ("placard.reinstate", "复查合格"),
                           ("placard.revoke", "拒不整改，依法关停")]


def test_reason_is_required(placard, personas):
    with pytest.raises(DomainError, match="原因"):
        placard_suspend(placard=placard, actor=personas["taskforce"], reason="  ")


@pytest.mark.parametrize("who", ["staff_xy", "secretary_xy", "director_xy", "dept_gxj", "liaison_xy", "inspector_ds"])
def test_others_may_not_change_status(placard, personas, who):
    with pytest.raises(DomainError) as info:
        placard_suspend(placard=placard, actor=personas[who], reason="x")
    assert info.value.code == "forbidden"
    placard.refresh_from_db()
    assert placard.status == Placard.Status.VALID


@pytest.mark.parametrize("who", ["inspector_xy", "inspector_d1"])
def test_inspectors_in_scope_may_suspend(placard, personas, who):
    """The inspections work calls these from a stop-work finding."""
    assert placard_suspend(placard=placard, actor=personas[who], reason="停工整改").status == "suspended"


def test_cannot_suspend_twice(placard, personas):
    placard_suspend(placard=placard, actor=personas["taskforce"], reason="a")
    with pytest.raises(DomainError):
        placard_suspend(placard=placard, actor=personas["taskforce"], reason="b")
