from django import forms
from django.utils.translation import gettext_lazy as _

from org.models import Jurisdiction

from .models import Placard


class PlacardFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部状态")), *Placard.Status.choices])
    jurisdiction = forms.ModelChoiceField(label=_("街道/园区"), required=False, queryset=Jurisdiction.objects.none(),
                                          empty_label=_("全部街道/园区"))
    new = forms.BooleanField(label=_("仅未打印"), required=False)
    q = forms.CharField(label=_("企业名称/编号/核验码"), required=False, max_length=50)

    def __init__(self, *args, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Jurisdiction.objects.all()
        self.fields["jurisdiction"].queryset = qs if scope is None else scope.filter_jurisdictions(qs)


class StatusForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
