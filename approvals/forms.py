from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from enterprises.validators import validate_mobile
from zhifu_reopen.date_bounds import validate_coming_day, validate_past_moment
from zhifu_reopen.pii import blind_index
from zhifu_reopen.punctuation import labelled
from zhifu_reopen.widgets import DateInput, DateTimeInput

from .models import Application, Material, ReturningEmployee, Signature
from .validators import normalise_id_number, validate_id_number

# 常用语: common phrases offered beside every opinion box (picked, then edited).
COMMON_PHRASES = {
    "approve": [_("材料齐全，防控措施到位，同意复工。"), _("经审核，符合复工条件，同意。"), _("同意，请落实日检查、日消毒制度。")],
    "return": [_("材料不全，请按一次性告知事项补正后重新提交。"), _("防控方案不具体，请细化后重新提交。"),
               _("返岗人员信息不完整，请补充。")],
    "reject": [_("不符合复工条件，不予复工。"), _("存在重大防控隐患，不予复工。")],
}


class ApplicationForm(forms.ModelForm):
    reason = forms.CharField(label=_("变更理由"), required=False, max_length=300,
                             help_text=_("已通过的申请变更内容时必填，变更后将重新审核。"))

    class Meta:
        model = Application
        fields = ["requested_reopen_on", "returning_headcount", "masks_qty", "thermometers_qty",
                  "disinfectant_litres", "online_work", "building_liaison", "building_liaison_mobile"]
        widgets = {"requested_reopen_on": DateInput()}

    def __init__(self, *args, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["returning_headcount"].min_value = 1
        if enterprise is not None and enterprise.category != "office_building":
            for name in ("online_work", "building_liaison", "building_liaison_mobile"):
                del self.fields[name]
        if self.instance.pk is None or self.instance.status != Application.Status.APPROVED:
            del self.fields["reason"]

    def clean_requested_reopen_on(self):
        value = self.cleaned_data.get("requested_reopen_on")
        # A day already stored may have passed since: only a new day is checked.
        if value is not None and not (self.instance.pk and value == self.instance.requested_reopen_on):
            validate_coming_day(value, label=_("拟复工日期"))
        return value


class MaterialUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("材料类型"), choices=Material.Kind.choices)
    file = forms.FileField(label=_("文件"), help_text=_("PDF、JPG、PNG、DOCX、XLSX，不超过10MB"))
    reason = forms.CharField(label=_("变更理由"), required=False, max_length=300)


class EmployeeForm(forms.ModelForm):
    """One returning employee typed on the application page. The ID number and mobile are checked here
    with the validators the service uses, so that a mistake is said at its field (the service checks
    again, and stays the rule)."""

    reason = forms.CharField(label=_("变更理由"), required=False, max_length=300)

    class Meta:
        model = ReturningEmployee
        fields = ["name", "id_number", "mobile", "residence", "travel_history", "health_status"]

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application

    def clean_id_number(self):
        value = normalise_id_number(self.cleaned_data.get("id_number"))
        validate_id_number(value)
        if self.application is not None and self.application.employees.filter(id_index=blind_index(value)).exists():
            raise ValidationError(_("身份证号与名单中的其他人员重复"), code="duplicate")
        return value

    def clean_mobile(self):
        value = (self.cleaned_data.get("mobile") or "").strip()
        validate_mobile(value)
        return value


class RosterImportForm(forms.Form):
    file = forms.FileField(label=_("花名册（.xlsx、.xls、.ods 或 .csv）"),
                           help_text=_("表头：姓名、身份证号、手机、现居住地、14天内行程、健康状况；表头可在前几行，标题行和合计、备注行自动跳过"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.csv"}))
    reason = forms.CharField(label=_("变更理由"), required=False, max_length=300)


class MeetingForm(forms.Form):
    principal = forms.CharField(label=_("企业负责人"), max_length=50)
    met_at = forms.DateTimeField(label=_("见面时间"), widget=DateTimeInput(),
                                 input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"])
    outcome = forms.CharField(label=_("见面情况"), widget=forms.Textarea(attrs={"rows": 2}))

    def clean_met_at(self):
        value = self.cleaned_data.get("met_at")
        return validate_past_moment(value, label=_("见面时间")) if value is not None else value


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("办理结果"), choices=[("approve", _("同意")), ("return", _("退回修改")), ("reject", _("不予通过"))],
        widget=forms.RadioSelect,
    )
    opinion = forms.CharField(label=_("办理意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    seen_iteration = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SignForm(forms.Form):
    post = forms.ChoiceField(label=_("签字职务"), choices=Signature.Post.choices)
    action = forms.ChoiceField(label=_("办理结果"), choices=[("sign", _("签字同意")), ("return", _("退回修改"))],
                               widget=forms.RadioSelect)
    opinion = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    seen_iteration = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=300)


class RemindForm(forms.Form):
    note = forms.CharField(label=_("催办说明"), required=False, max_length=100)


def form_errors(form) -> list[str]:
    result = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            result.append(labelled(label, error) if label else str(error))
    return result
