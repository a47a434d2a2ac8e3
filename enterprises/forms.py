from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.scope import scope_for
from org.models import Community, Department, Grid, Jurisdiction
from zhifu_reopen.date_bounds import validate_past_day
from zhifu_reopen.widgets import DateInput

from .choices import Category, OperatingStatus, Scale
from .models import Enterprise, SurveyVisit
from .validators import normalise_credit_code, plain_text_errors


class EnterpriseForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = [
            "name", "credit_code", "scale", "category", "department", "jurisdiction", "community", "grid",
            "address", "legal_representative", "prevention_contact", "prevention_mobile", "employee_count",
            "output_over_100m",
        ]  # no operating_status: it changes only through approval, stop-work and the close action

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_for(user)
        jurisdictions = scope.filter_jurisdictions(Jurisdiction.objects.all())
        self.fields["jurisdiction"].queryset = jurisdictions
        self.fields["community"].queryset = Community.objects.filter(jurisdiction__in=jurisdictions)
        self.fields["grid"].queryset = Grid.objects.filter(community__jurisdiction__in=jurisdictions)
        self.fields["department"].queryset = Department.objects.all()
        if jurisdictions.count() == 1 and not self.instance.pk:
            self.fields["jurisdiction"].initial = jurisdictions.first()
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "input" if name != "output_over_100m" else "")

    def clean_credit_code(self):
        return normalise_credit_code(self.cleaned_data["credit_code"])

    def clean(self):
        cleaned = super().clean()
        # The same rule as the import and the registry services (an export can be imported back).
        for name, errors in plain_text_errors(cleaned).items():
            if name in self.fields:
                self.add_error(name, errors)
        return cleaned

    def validate_unique(self):
        # Duplicate credit codes are reported by the view with a link to the existing enterprise.
        pass


class SurveyVisitForm(forms.ModelForm):
    class Meta:
        model = SurveyVisit
        fields = ["visited_on", "observed_status", "notes"]
        widgets = {
            "visited_on": DateInput(attrs={"class": "input"}),
            "notes": forms.Textarea(attrs={"rows": 3, "class": "input"}),
            "observed_status": forms.Select(attrs={"class": "input"}),
        }

    def clean_visited_on(self):
        value = self.cleaned_data.get("visited_on")
        return validate_past_day(value, label=_("走访日期")) if value is not None else value


class EnterpriseFilterForm(forms.Form):
    q = forms.CharField(label=_("名称、地址或信用代码"), required=False, max_length=50)
    jurisdiction = forms.ModelChoiceField(label=_("街道/园区"), queryset=Jurisdiction.objects.none(),
                                          required=False, empty_label=_("全部街道"))
    scale = forms.ChoiceField(label=_("规模"), required=False,
                              choices=[("", _("全部规模")), *Scale.choices])
    category = forms.ChoiceField(label=_("类别"), required=False,
                                 choices=[("", _("全部类别")), *Category.choices])
    status = forms.ChoiceField(label=_("经营状态"), required=False,
                               choices=[("", _("全部状态")), *OperatingStatus.choices])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_for(user)
        jurisdictions = scope.filter_jurisdictions(Jurisdiction.objects.all())
        self.fields["jurisdiction"].queryset = jurisdictions
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "input")


class EnterpriseCloseForm(forms.Form):
    reason = forms.CharField(
        label=_("关闭原因"), max_length=500, strip=True,
        help_text=_("例如：已注销营业执照；已迁出本区；长期停业。关闭后经营状态为“已关闭”，记入操作记录。"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "input"}),
    )
