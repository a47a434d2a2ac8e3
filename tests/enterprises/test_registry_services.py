import threading
from datetime import date, timedelta

import pytest
from django.db import connection

from enterprises.models import Enterprise, SurveyVisit
from enterprises.services.registry import enterprise_create, enterprise_update, survey_visit_record
from zhifu_reopen.errors import DomainError
from zhifu_reopen.models import AuditEntry


def firm_data(jurisdiction, **extra):
    return {
        "name": "烟台华宇机械有限公司", "credit_code": "91350100m000100y43", "scale": "small",
        "category": "general", "jurisdiction": jurisdiction, "address": "烟台市芝罘区南大街1号",
        "employee_count": 12, "prevention_mobile": "13800138000", **extra,
    }


def test_street_staff_registers_a_firm_and_the_audit_records_it(personas, xy):
    staff = personas["staff_xy"]
    firm = enterprise_create(user=staff, data=firm_data(xy))
    assert firm.credit_code == "91350100M000100Y43"  # normalised to upper case
    entry = AuditEntry.objects.get(target_type="enterprises.enterprise", target_id=firm.pk)
    assert entry.action == "enterprise.create"
    assert entry.actor == staff
    assert "向阳街道" in entry.post
    assert entry.after["name"] == "烟台华宇机械有限公司"
    assert list(firm.audit_entries.all()) == [entry]


def test_staff_cannot_register_in_another_street(personas, ds):
    with pytest.raises(DomainError):
        enterprise_create(user=personas["staff_xy"], data=firm_data(ds))
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize("persona", ["secretary_xy", "dept_gxj", "taskforce", "inspector_xy", "liaison_xy"])
def test_other_roles_cannot_register(personas, xy, persona):
    with pytest.raises(DomainError):
        enterprise_create(user=personas[persona], data=firm_data(xy))
    assert not AuditEntry.objects.filter(action="enterprise.create").exists()


def test_duplicate_credit_code_is_refused(personas, xy):
    enterprise_create(user=personas["staff_xy"], data=firm_data(xy))
    with pytest.raises(DomainError) as info:
        enterprise_create(user=personas["staff_xy"], data=firm_data(xy, name="另一家公司"))
    assert info.value.code == "duplicate"
    assert Enterprise.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [("credit_code", "91350100M000100Y4Z"), ("prevention_mobile", "1234"), ("name", "")],
)
def test_invalid_fields_write_nothing(personas, xy, field, value):
    with pytest.raises(Exception):  # noqa: B017 (ValidationError or DomainError, both refusals)
        enterprise_create(user=personas["staff_xy"], data=firm_data(xy, **{field: value}))
    assert not Enterprise.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="enterprise.").exists()


def test_update_records_only_what_changed(personas, xy, firm_xy):
    staff = personas["staff_xy"]
    enterprise_update(user=staff, enterprise=firm_xy, data={"employee_count": 99, "name": firm_xy.name})
    entry = AuditEntry.objects.get(action="enterprise.update")
    assert entry.before == {"employee_count": 20}
    assert entry.after == {"employee_count": 99}


def test_update_out_of_scope_is_refused(personas, firm_ds):
    with pytest.raises(DomainError):
        enterprise_update(user=personas["staff_xy"], enterprise=firm_ds, data={"employee_count": 1})
    firm_ds.refresh_from_db()
    assert firm_ds.employee_count == 20


def test_community_must_belong_to_the_street(personas, xy, ds):
    with pytest.raises(DomainError):
        enterprise_create(user=personas["staff_xy"], data=firm_data(xy, community=ds.communities.first()))


def test_survey_visit_updates_last_visited_and_audit(personas, firm_xy):
    staff = personas["staff_xy"]
    day = date.today() - timedelta(days=3)
    survey_visit_record(user=staff, enterprise=firm_xy, visited_on=day, observed_status="reopened", notes="ok")
    survey_visit_record(user=staff, enterprise=firm_xy, visited_on=day - timedelta(days=5),
                        observed_status="reopened")
    firm_xy.refresh_from_db()
    assert firm_xy.last_visited_on == day  # an older visit does not move it back
    assert SurveyVisit.objects.filter(enterprise=firm_xy).count() == 2
    assert AuditEntry.objects.filter(action="survey.record", enterprise=firm_xy).count() == 2


def test_survey_visit_in_the_future_is_refused(personas, firm_xy):
    with pytest.raises(DomainError):
        survey_visit_record(user=personas["staff_xy"], enterprise=firm_xy,
                            visited_on=date.today() + timedelta(days=1), observed_status="reopened")


def test_liaison_records_visits_only_for_assigned_firms(personas, liaison_firm, firm_ds):
    liaison = personas["liaison_xy"]
    survey_visit_record(user=liaison, enterprise=liaison_firm, visited_on=date.today(),
                        observed_status="reopened")
    with pytest.raises(DomainError):
        survey_visit_record(user=liaison, enterprise=firm_ds, visited_on=date.today(),
                            observed_status="reopened")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_officials_registering_the_same_code_at_once_give_one_firm(org):
    from tests.conftest import make_persona

    staff = make_persona("staff_xy")
    from enterprises.models import Jurisdiction

    xy = Jurisdiction.objects.get(code="370602001")
    barrier = threading.Barrier(2)
    outcomes = []

    def register(name):
        try:
            barrier.wait()
            enterprise_create(user=staff, data=firm_data(xy, name=name))
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(f"并发公司{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["duplicate", "ok"]
    assert Enterprise.objects.count() == 1
    assert AuditEntry.objects.filter(action="enterprise.create").count() == 1
