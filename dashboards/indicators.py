"""The task force's figures, each defined once: what it counts, how (numerator ÷ denominator, unit), where
it comes from, who owns it and how often it is refreshed. The dashboard shows the definition on a card
beside the figure, the summary refresh (``services.summaries``) computes it, the consistency test
recomputes it from the raw rows, the drill-down (``drill.py``) lists the rows behind it."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

REFRESH = _("每5分钟由后台任务刷新，也可手动刷新")
SURVEY_DAYS = 14  # "surveyed within N days" (the definitions below say 14)


@dataclass(frozen=True)
class Indicator:
    key: str
    name: object
    definition: object
    numerator: object
    denominator: object = ""
    unit: object = _("家")
    source: object = _("企业名录")
    owner: object = _("区复工专班")
    refresh: object = REFRESH
    drill: str = ""  # the list behind it (dashboards.drill.LISTS)

    @property
    def is_share(self) -> bool:
        return bool(self.denominator)


INDICATORS = [
    Indicator("registered", _("登记企业"), _("企业名录中登记的生产经营单位，不含已关闭的。"), _("登记且未关闭的企业数"),
              drill="registered"),
    Indicator("surveyed", _("走访覆盖率"), _("最近14天内走访摸排过的企业占登记企业的比例。"),
              _("最近14天内走访过的企业数"), _("登记企业数"), unit="%",
              source=_("走访摸排记录"), owner=_("各街道/园区"), drill="not_surveyed"),
    Indicator("applied", _("已申请企业"), _("提交过复工申请（不含草稿）的企业。"), _("提交过申请的企业数"),
              source=_("复工申请"), drill="applied"),
    Indicator("in_review", _("审核中申请"), _("已提交、尚未办结的申请，按当前环节统计。"), _("办理中的申请数"),
              unit=_("件"), source=_("复工申请"), drill="in_review"),
    Indicator("approved", _("准予复工企业"), _("复工申请已通过的企业。"), _("申请已通过的企业数"), source=_("复工申请"),
              drill="approved"),
    Indicator("placards_valid", _("有效公示牌"), _("状态为有效的准许复工公示牌（另计暂停、撤销）。"), _("有效公示牌数"),
              unit=_("块"), source=_("公示牌"), drill="placards"),
    Indicator("reopen_rate", _("复工率"), _("已复工企业占登记且未关闭企业的比例。"), _("已复工企业数"),
              _("登记且未关闭的企业数"), unit="%", drill="not_reopened"),
    Indicator("return_rate", _("复岗率"), _("已复工企业经批准返岗的员工占这些企业登记员工的比例。"),
              _("已复工企业获批返岗人数"), _("已复工企业登记员工数"), unit="%", source=_("复工申请、企业名录"),
              drill="reopened"),
    Indicator("key_reopened", _("重点骨干企业复工"), _("重点骨干类企业中已复工的比例。"), _("已复工的重点骨干企业数"),
              _("重点骨干企业数"), unit="%", drill="key_not_reopened"),
    Indicator("output_reopened", _("产值超1亿元企业复工"), _("产值超1亿元的企业中已复工的比例。"),
              _("已复工的产值超1亿元企业数"), _("产值超1亿元企业数"), unit="%", drill="output_not_reopened"),
    Indicator("overdue_steps", _("超时未办环节"), _("办理中的申请当前环节已超过办理时限的，按环节和超时时长统计。"),
              _("超时的办理中申请数"), unit=_("件"), source=_("复工申请"), drill="overdue"),
    Indicator("inspections", _("巡查次数"), _("巡查组记录的巡查（含回头看、复查）。"), _("巡查记录数"), unit=_("次"),
              source=_("巡查记录"), owner=_("巡查指导组"), drill="inspected"),
    Indicator("findings", _("问题隐患"), _("巡查发现的问题隐患，按类别统计。"), _("问题隐患数"), unit=_("条"),
              source=_("巡查记录"), owner=_("巡查指导组"), drill="inspected"),
    Indicator("orders_open", _("整改中"), _("尚未复查合格的整改通知（另计已办结、已超期）。"), _("整改中的整改通知数"),
              unit=_("份"), source=_("整改通知"), owner=_("巡查指导组"), drill="orders"),
    Indicator("stop_works", _("停工中企业"), _("被责令停工、尚未解除的企业。"), _("停工中的企业数"),
              source=_("责令停工"), owner=_("巡查指导组"), drill="stopped"),
    Indicator("problems_open", _("未解决诉求"), _("待处理、处理中和已上报的企业诉求（另计已解决及解决用时中位数）。"),
              _("未解决的诉求数"), unit=_("条"), source=_("企业诉求"), owner=_("驻企联络员"), drill="problems"),
    Indicator("daily_completeness", _("日检查日消毒完成率"), _("今日应填报日检查日消毒的企业中已填报的比例。"),
              _("今日已填报企业数"), _("今日应填报企业数"), unit="%", source=_("日检查日消毒"),
              owner=_("驻企联络员、各街道"), drill="daily_missing"),
]
BY_KEY = {i.key: i for i in INDICATORS}
