import threading
from datetime import date, timedelta

import pytest
from django.db import connection

from enterprises.models import Enterprise, SurveyVisit
from enterprises.services.registry import enterprise_create, enterprise_update, survey_visit_record
from zhifu_reopen.errors import DomainError
from zhifu_reopen.models import AuditEntry


def enterprise_data(jurisdiction, **extra):
    return {
        "name": "烟台华宇机械有限公司", "credit_code": "91350100m000100y43", "scale": "small",
        "category": "general", "jurisdiction": jurisdiction, "address": "烟台市芝罘区南大街1号",
        "employee_count": 12, "prevention_mobile": "13800138000", **extra,
    }


def test_street_staff_registers_a_enterprise_and_the_audit_records_it(personas, xy):
    staff = personas["staff_xy"]
    enterprise = enterprise_create(user=staff, data=enterprise_data(xy))
    assert enterprise.credit_code == "91350100M000100Y43"  # normalised to upper case
    entry = AuditEntry.objects.get(target_type="enterprises.enterprise", target_id=enterprise.pk)
    assert entry.action == "enterprise.create"
    assert entry.actor == staff
    assert "向阳街道" in entry.post
    assert entry.after["name"] == "烟台华宇机械有限公司"
    assert list(enterprise.audit_entries.all()) == [entry]


def test_staff_cannot_register_in_another_street(personas, ds):
    with pytest.raises(DomainError):
        enterprise_create(user=personas["staff_xy"], data=enterprise_data(ds))
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize("persona", ["secretary_xy", "dept_gxj", "taskforce", "inspector_xy", "liaison_xy"])
def test_other_roles_cannot_register(personas, xy, persona):
    with pytest.raises(DomainError):
        enterprise_create(user=personas[persona], data=enterprise_data(xy))
    assert not AuditEntry.objects.filter(action="enterprise.create").exists()


def test_duplicate_credit_code_is_refused(personas, xy):
    enterprise_create(user=personas["staff_xy"], data=enterprise_data(xy))
    with pytest.raises(DomainError) as info:
        enterprise_create(user=personas["staff_xy"], data=enterprise_data(xy, name="另一家公司"))
    assert info.value.code == "duplicate"
    assert Enterprise.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [("credit_code", "91350100M000100Y4Z"), ("prevention_mobile", "1234"), ("name", "")],
)
def test_invalid_fields_write_nothing(personas, xy, field, value):
    with pytest.raises(Exception):  # noqa: B017 (ValidationError or DomainError, both refusals)
        enterprise_create(user=personas["staff_xy"], data=enterprise_data(xy, **{field: value}))
    assert not Enterprise.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="enterprise.").exists()


def test_update_records_only_what_changed(personas, xy, enterprise_xy):
    staff = personas["staff_xy"]
    enterprise_update(user=staff, enterprise=enterprise_xy, data={"employee_count": 99, "name": enterprise_xy.name})
    entry = AuditEntry.objects.get(action="enterprise.update")
    assert entry.before == {"employee_count": 20}
    assert entry.after == {"employee_count": 99}


def test_update_out_of_scope_is_refused(personas, enterprise_ds):
    with pytest.raises(DomainError):
        enterprise_update(user=personas["staff_xy"], enterprise=enterprise_ds, data={"employee_count": 1})
    enterprise_ds.refresh_from_db()
    assert enterprise_ds.employee_count == 20


def test_community_must_belong_to_the_street(personas, xy, ds):
    with pytest.raises(DomainError):
        enterprise_create(user=personas["staff_xy"], data=enterprise_data(xy, community=ds.communities.first()))


def test_survey_visit_updates_last_visited_and_audit(personas, enterprise_xy):
    staff = personas["staff_xy"]
    day = date.today() - timedelta(days=3)
    survey_visit_record(user=staff, enterprise=enterprise_xy, visited_on=day, observed_status="reopened", notes="ok")
    survey_visit_record(user=staff, enterprise=enterprise_xy, visited_on=day - timedelta(days=5),
                        observed_status="reopened")
    enterprise_xy.refresh_from_db()
    assert enterprise_xy.last_visited_on == day  # an older visit does not move it back
    assert SurveyVisit.objects.filter(enterprise=enterprise_xy).count() == 2
    assert AuditEntry.objects.filter(action="survey.record", enterprise=enterprise_xy).count() == 2


def test_survey_visit_in_the_future_is_refused(personas, enterprise_xy):
    with pytest.raises(DomainError):
        survey_visit_record(user=personas["staff_xy"], enterprise=enterprise_xy,
                            visited_on=date.today() + timedelta(days=1), observed_status="reopened")


def test_liaison_records_visits_only_for_assigned_enterprises(personas, liaison_enterprise, enterprise_ds):
    liaison = personas["liaison_xy"]
    survey_visit_record(user=liaison, enterprise=liaison_enterprise, visited_on=date.today(),
                        observed_status="reopened")
    with pytest.raises(DomainError):
        survey_visit_record(user=liaison, enterprise=enterprise_ds, visited_on=date.today(),
                            observed_status="reopened")


WAIT = 30  # seconds; only ever reached if the code under test deadlocks


def _wait(event: threading.Event) -> None:
    assert event.wait(WAIT), "the other official never got there"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second_is", [
    "between_its_duplicate_check_and_its_validation",  # full_clean's unique check would see the new enterprise
    "between_its_validation_and_its_insert",  # the insert meets the unique index
    "inserting_while_the_first_is_uncommitted",  # the insert waits on the first's row, then fails
])
def test_two_officials_registering_the_same_code_at_once_give_one_enterprise(org, monkeypatch, second_is):
    """Two officials register the same code; the first commits while the second is at ``second_is``.
    Every timing gives one enterprise and the "already registered" refusal, never a ValidationError. The
    order is forced with events, not left to the scheduler."""
    from enterprises.services import registry
    from org.models import Jurisdiction
    from tests.conftest import make_persona

    staff = make_persona("staff_xy")
    xy = Jurisdiction.objects.get(code="370602001")
    second_ready, first_committed = threading.Event(), threading.Event()
    outcomes = {}

    def in_second() -> bool:
        return threading.current_thread().name == "second"

    if second_is == "between_its_duplicate_check_and_its_validation":
        original_duplicate_of = registry.duplicate_of

        def duplicate_of(*args, **kwargs):
            found = original_duplicate_of(*args, **kwargs)
            if in_second():
                second_ready.set()
                _wait(first_committed)
            return found

        monkeypatch.setattr(registry, "duplicate_of", duplicate_of)
    elif second_is == "between_its_validation_and_its_insert":
        original_save = registry._save_unique

        def save_unique(enterprise):
            if in_second():
                second_ready.set()
                _wait(first_committed)
            return original_save(enterprise)

        monkeypatch.setattr(registry, "_save_unique", save_unique)
    else:
        first_inserted = threading.Event()
        original_save, original_audit = registry._save_unique, registry.audit_record

        def save_unique(enterprise):
            if in_second():
                second_ready.set()  # its INSERT follows and waits for the first's transaction
            return original_save(enterprise)

        def audit_record(**kwargs):
            if not in_second():  # the first has inserted, not committed
                first_inserted.set()
                _wait(second_ready)
            return original_audit(**kwargs)

        monkeypatch.setattr(registry, "_save_unique", save_unique)
        monkeypatch.setattr(registry, "audit_record", audit_record)

    def register(who: str) -> None:
        try:
            if who == "first" and second_is != "inserting_while_the_first_is_uncommitted":
                _wait(second_ready)
            if who == "second" and second_is == "inserting_while_the_first_is_uncommitted":
                _wait(first_inserted)
            enterprise_create(user=staff, data=enterprise_data(xy, name=f"并发公司{who}"))
            outcomes[who] = "ok"
        except DomainError as exc:
            outcomes[who] = exc.code
        except Exception as exc:  # reported by the assertion below
            outcomes[who] = repr(exc)
        finally:
            if who == "first":
                first_committed.set()
            connection.close()

    threads = [threading.Thread(target=register, args=(who,), name=who) for who in ("first", "second")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes == {"first": "ok", "second": "duplicate"}
    assert Enterprise.objects.count() == 1
    assert AuditEntry.objects.filter(action="enterprise.create").count() == 1


# --- one plain-text rule for the form, the services and the import (issue 7 §10) ------------------------

MARKUP_NAME = "<script>alert(1)</script>华宇公司"
MARKUP_MESSAGE = "不能包含“<”“>”等HTML/脚本标记字符。"


@pytest.mark.parametrize("field", ["name", "address", "legal_representative", "prevention_contact"])
def test_the_form_refuses_markup_as_the_import_does(personas, xy, field):
    from enterprises.forms import EnterpriseForm

    data = {**enterprise_data(xy), "jurisdiction": xy.pk, "operating_status": "not_reopened", field: MARKUP_NAME}
    form = EnterpriseForm(data, user=personas["staff_xy"])
    assert not form.is_valid()
    assert form.errors[field] == [MARKUP_MESSAGE]


def test_the_services_refuse_markup_as_the_import_does(personas, xy, enterprise_xy):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as info:
        enterprise_create(user=personas["staff_xy"], data=enterprise_data(xy, name=MARKUP_NAME))
    assert info.value.message_dict["name"] == [MARKUP_MESSAGE]
    with pytest.raises(ValidationError) as info:
        enterprise_update(user=personas["staff_xy"], enterprise=enterprise_xy, data={"address": "南大街<1>号"})
    assert info.value.message_dict["address"] == [MARKUP_MESSAGE]
    assert not Enterprise.objects.filter(name=MARKUP_NAME).exists()
    enterprise_xy.refresh_from_db()
    assert "<" not in enterprise_xy.address


def test_what_the_form_accepts_the_import_accepts_and_back(personas, xy):
    """An enterprise registered through the form is exported and imported back unchanged (mode update)."""
    from enterprises.forms import EnterpriseForm
    from enterprises.services.importing import MODE_UPDATE, enterprise_import
    from tests.enterprises.import_helpers import csvfile, row, xlsx

    name = "烟台A&B“华宇”机械(芝罘)有限公司"
    data = {**enterprise_data(xy, name=name), "jurisdiction": xy.pk, "operating_status": "not_reopened"}
    form = EnterpriseForm(data, user=personas["staff_xy"])
    assert form.is_valid(), form.errors
    enterprise = enterprise_create(user=personas["staff_xy"], data=form.cleaned_data)
    result = enterprise_import(user=personas["staff_xy"], file=xlsx([row(1, 企业名称=name, 统一社会信用代码=enterprise.credit_code)]),
                               filename="企业.xlsx", mode=MODE_UPDATE)
    assert result.ok and result.written
    for value in (MARKUP_NAME, "a\x07b"):
        result = enterprise_import(user=personas["staff_xy"], file=csvfile([row(2, 企业名称=value)]),
                                   filename="企业.csv")
        form = EnterpriseForm({**data, "name": value, "credit_code": row(2)[1]}, user=personas["staff_xy"])
        assert not form.is_valid()
        assert [e.message for e in result.errors] == form.errors["name"]
