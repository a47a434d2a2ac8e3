"""Status and kind choices with their label and tag colour in one place, so every badge agrees."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scale(models.TextChoices):
    LARGE = "large", _("规上企业")
    SMALL = "small", _("规下中小微")
    VENUE = "venue", _("九小场所")


class Category(models.TextChoices):
    EPIDEMIC_SUPPLY = "epidemic_supply", _("防疫物资生产")
    LIVELIHOOD = "livelihood", _("民生保障")
    KEY_BACKBONE = "key_backbone", _("重点骨干")
    OFFICE_BUILDING = "office_building", _("商务楼宇")
    GENERAL = "general", _("一般")


class OperatingStatus(models.TextChoices):
    NOT_REOPENED = "not_reopened", _("未复工")
    REOPENED = "reopened", _("已复工")
    CLOSED = "closed", _("责令关停")
    UNAUTHORISED = "unauthorised", _("私开偷开")
    # Closed for good (ceased trading, deregistered): set only by the registry's close action, with a reason.
    CEASED = "ceased", _("已关闭")


OPERATING_STATUS_COLOURS = {
    "not_reopened": "info",
    "reopened": "success",
    "closed": "danger",
    "unauthorised": "warning",
    "ceased": "plain",
}
CATEGORY_COLOURS = {
    "epidemic_supply": "danger",
    "livelihood": "warning",
    "key_backbone": "primary",
    "office_building": "info",
    "general": "plain",
}

# The labels used in import files (issue 2 §7) → codes.
SCALE_IMPORT_LABELS = {"规上": "large", "规下": "small", "九小场所": "venue"}
CATEGORY_IMPORT_LABELS = {
    "防疫物资生产": "epidemic_supply",
    "民生保障": "livelihood",
    "重点骨干": "key_backbone",
    "商务楼宇": "office_building",
    "一般": "general",
}
