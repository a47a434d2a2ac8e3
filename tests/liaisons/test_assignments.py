"""Liaison assignments: one liaison at a time, the history kept, the handover in one action, the scope."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from accounts.models import Role
from accounts.services import user_create
from enterprises.models import Enterprise, LiaisonAssignment
from liaisons.services.assignments import liaison_assign, liaison_handover, liaison_unassign
from tests.factories import EnterpriseFactory
from zhifu_reopen.errors import DomainError
from zhifu_reopen.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_liaison(org):
    return user_create(username="liaison_2", password="x-Pass-2026!", role=Role.LIAISON, full_name="联络员 李明")


def test_assign_reassign_keeps_history(personas, enterprise_xy, second_liaison):
    staff = personas["staff_xy"]
    liaison_assign(actor=staff, enterprise=enterprise_xy, liaison=personas["liaison_xy"])
    liaison_assign(actor=staff, enterprise=enterprise_xy, liaison=second_liaison, reason="原联络员调岗")
    rows = list(LiaisonAssignment.objects.filter(enterprise=enterprise_xy).order_by("id"))
    assert [r.liaison for r in rows] == [personas["liaison_xy"], second_liaison]
    assert rows[0].ended_at is not None and rows[1].ended_at is None
    assert not Enterprise.objects.visible_to(personas["liaison_xy"]).filter(pk=enterprise_xy.pk).exists()
    assert Enterprise.objects.visible_to(second_liaison).filter(pk=enterprise_xy.pk).exists()
    with pytest.raises(DomainError, match="已是"):
        liaison_assign(actor=staff, enterprise=enterprise_xy, liaison=second_liaison)
    liaison_unassign(actor=staff, enterprise=enterprise_xy, reason="企业关闭")
    assert not LiaisonAssignment.objects.filter(ended_at__isnull=True).exists()
    assert AuditEntry.objects.filter(action__in=["liaison.assign", "liaison.unassign"]).count() == 3


def test_one_current_liaison_is_a_database_rule(personas, enterprise_xy, second_liaison):
    LiaisonAssignment.objects.create(liaison=personas["liaison_xy"], enterprise=enterprise_xy)
    with pytest.raises(IntegrityError), transaction.atomic():
        LiaisonAssignment.objects.create(liaison=second_liaison, enterprise=enterprise_xy)


def test_refusals(personas, enterprise_xy, enterprise_ds, second_liaison):
    for name in ("liaison_xy", "dept_gxj", "inspector_xy", "firm_xy", "secretary_xy"):
        with pytest.raises(DomainError):
            liaison_assign(actor=personas[name], enterprise=enterprise_xy, liaison=second_liaison)
    with pytest.raises(DomainError):
        liaison_assign(actor=personas["staff_xy"], enterprise=enterprise_ds, liaison=second_liaison)
    with pytest.raises(DomainError, match="联络员"):
        liaison_assign(actor=personas["staff_xy"], enterprise=enterprise_xy, liaison=personas["staff_ds"])
    assert not LiaisonAssignment.objects.exists()


def test_handover_moves_all_firms_in_scope(personas, xy, ds, second_liaison):
    liaison = personas["liaison_xy"]
    ours = [EnterpriseFactory(jurisdiction=xy) for _ in range(3)]
    theirs = EnterpriseFactory(jurisdiction=ds)
    for e in [*ours, theirs]:
        liaison_assign(actor=personas["taskforce"], enterprise=e, liaison=liaison)
    with pytest.raises(DomainError, match="理由"):
        liaison_handover(actor=personas["staff_xy"], liaison=liaison, successor=second_liaison, reason="")
    moved = liaison_handover(actor=personas["staff_xy"], liaison=liaison, successor=second_liaison, reason="病休")
    assert moved == 3
    assert set(Enterprise.objects.visible_to(second_liaison)) == set(ours)
    assert list(Enterprise.objects.visible_to(liaison)) == [theirs]  # another street's firm stays
    assert AuditEntry.objects.filter(action="liaison.handover", target_type="accounts.user").count() == 1
    assert liaison_handover(actor=personas["taskforce"], liaison=liaison, successor=second_liaison,
                            reason="调岗") == 1
