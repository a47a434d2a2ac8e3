"""Forms of the people pages. A post travels as its key (``Post.key``); the choices are the posts the
signed-in manager may appoint (``accounts.views.people.post_options``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Role
from .posts import post_from_key

REASON_HELP = _("如任免文件文号或事由，记入操作记录。")


def _choices(posts, blank=None):
    choices = [(p.key, p.label) for p in posts]
    return [("", blank), *choices] if blank is not None else choices


class PostField(forms.ChoiceField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        post = post_from_key(value)
        if post is None:
            raise forms.ValidationError(_("请选择岗位。"))
        return post


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=REASON_HELP)


def _agency_field():
    from .models import Agency

    return forms.ChoiceField(label=_("所属单位"), required=False, choices=[("", _("（巡查人员必填）")), *Agency.choices],
                             help_text=_("巡查人员的派出单位：街道、市场监管所、派出所、社区；区巡查指导组也可为区直部门。"))


class AppointForm(ReasonForm):
    field_order = ["post", "agency", "reason"]

    def __init__(self, *args, posts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"] = PostField(label=_("岗位"), choices=_choices(posts, _("请选择岗位")))
        self.fields["agency"] = _agency_field()
        self.order_fields(self.field_order)


class MoveForm(ReasonForm):
    field_order = ["leaving", "post", "agency", "reason"]

    def __init__(self, *args, held=(), posts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leaving"] = PostField(label=_("原岗位"), choices=_choices(held))
        self.fields["post"] = PostField(label=_("调任至"), choices=_choices(posts, _("请选择岗位")))
        self.fields["agency"] = _agency_field()
        self.order_fields(self.field_order)


class EndForm(ReasonForm):
    post = PostField(label=_("岗位"), choices=(), widget=forms.HiddenInput)

    def __init__(self, *args, held=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].choices = _choices(held)


class PasswordResetForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class AccountForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150, help_text=_("登录用，字母、数字或 @ . + - _"))
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    mobile = forms.CharField(label=_("手机"), max_length=11, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    reason = forms.CharField(label=_("理由"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}), help_text=REASON_HELP)

    field_order = ["username", "full_name", "mobile", "email", "post", "agency", "reason"]

    def __init__(self, *args, posts=(), post_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"] = PostField(label=_("岗位"), required=post_required,
                                        choices=_choices(posts, _("暂不任职") if not post_required else _("请选择岗位")))
        self.fields["agency"] = _agency_field()
        self.order_fields(self.field_order)


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("姓名或用户名"), required=False, max_length=50)
    role = forms.ChoiceField(label=_("岗位"), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部")), ("active", _("启用")), ("inactive", _("已停用"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("全部")), *Role.choices, ("none", _("无岗位"))]
