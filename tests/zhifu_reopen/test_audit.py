from datetime import date

from enterprises.models import Enterprise, SurveyVisit
from enterprises.services.registry import enterprise_update, survey_visit_record
from zhifu_reopen.models import AuditEntry


def test_the_trail_outlives_the_firm_it_describes(personas, firm_xy):
    staff = personas["staff_xy"]
    firm_id, name = firm_xy.pk, firm_xy.name
    enterprise_update(user=staff, enterprise=firm_xy, data={"employee_count": 35}, reason="人数变化")
    visit = survey_visit_record(user=staff, enterprise=firm_xy, visited_on=date.today(),
                                observed_status="not_reopened")
    assert AuditEntry.objects.filter(enterprise_id=firm_id).count() == 2

    Enterprise.objects.get(pk=firm_id).delete()  # e.g. by an administrator; its visits go with it

    assert not Enterprise.objects.filter(pk=firm_id).exists()
    assert not SurveyVisit.objects.filter(pk=visit.pk).exists()
    entries = {e.action: e for e in AuditEntry.objects.filter(enterprise_id=firm_id)}
    assert set(entries) == {"enterprise.update", "survey.record"}
    update = entries["enterprise.update"]
    assert (update.target_type, update.target_id, update.target_repr) == ("enterprises.enterprise", firm_id, name)
    assert update.after == {"employee_count": 35} and update.reason == "人数变化"
    survey = entries["survey.record"]
    assert (survey.target_type, survey.target_id) == ("enterprises.surveyvisit", visit.pk)
    assert survey.target_repr
