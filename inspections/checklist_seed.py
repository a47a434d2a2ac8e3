"""The standard checklist items (issue 9 §2), seeded as version 1 of each checklist by migration
``inspections/0004``. Each item: code (stable across versions), text, whether 不适用 is allowed, the answers
that need a photo, and the finding category a "no" files under."""

REOPENED = [
    ("gate_duty", "门岗值守，人员进出测温登记", False, ["no"], "no_temperature_log"),
    ("vehicle_log", "车辆进出登记", True, ["no"], "no_temperature_log"),
    ("health_records", "员工健康档案（返岗人员行程、健康状况）", False, ["no"], "staff_control"),
    ("masks", "员工规范佩戴口罩", False, ["no"], "masks"),
    ("disinfection", "消毒记录及消毒计划，按时消毒", False, ["no"], "disinfection"),
    ("ventilation", "办公及生产场所通风", True, [], "disinfection"),
    ("canteen", "食堂错峰就餐、分餐", True, ["no"], "gathering"),
    ("dormitory", "宿舍人员密度符合要求", True, ["no"], "staff_control"),
    ("isolation_room", "设置临时隔离室", False, ["no"], "staff_control"),
    ("supplies", "储备不少于三天的防疫物资", False, ["no"], "other"),
    ("mask_bin", "设置废弃口罩专用收集桶", False, [], "other"),
    ("placard", "复工公示牌张贴公示", False, ["no"], "other"),
]
VENUE = [
    ("gate_duty", "入口测温登记", False, ["no"], "no_temperature_log"),
    ("masks", "从业人员和顾客佩戴口罩", False, ["no"], "masks"),
    ("disinfection", "消毒记录，按时消毒", False, ["no"], "disinfection"),
    ("ventilation", "场所通风", True, [], "disinfection"),
    ("gathering", "控制人员密度，不聚集", False, ["no"], "gathering"),
    ("mask_bin", "设置废弃口罩专用收集桶", True, [], "other"),
    ("placard", "复工公示牌张贴公示", False, ["no"], "other"),
]
DAILY_REGIME = [
    *REOPENED,
    ("daily_check_log", "日检查记录按日填写", False, ["no"], "staff_control"),
    ("daily_disinfection_log", "日消毒记录按日填写（时间、区域）", False, ["no"], "disinfection"),
]
LOOKBACK = REOPENED

CHECKLISTS = [
    ("reopened", "已复工企业检查表", REOPENED),
    ("daily_regime", "日检查日消毒企业检查表", DAILY_REGIME),
    ("venue", "小场所检查表", VENUE),
    ("lookback", "回头看检查表", LOOKBACK),
]


def checklists_ensure(apps=None) -> None:
    """Seed each checklist with version 1 (published) where it has no version yet: the migration does it
    with its historical models (``apps``), a test database flushed between tests with the real ones."""
    from django.utils import timezone

    if apps is None:
        from django.apps import apps
    Checklist = apps.get_model("inspections", "Checklist")
    Version = apps.get_model("inspections", "ChecklistVersion")
    Item = apps.get_model("inspections", "ChecklistItem")
    for purpose, name, items in CHECKLISTS:
        checklist, _created = Checklist.objects.get_or_create(purpose=purpose, defaults={"name": name})
        if checklist.versions.exists():
            continue
        version = Version.objects.create(checklist=checklist, number=1, status="published",
                                         published_at=timezone.now())
        Item.objects.bulk_create([
            Item(version=version, position=i, code=code, text=text, allow_na=allow_na, photo_on=photo_on,
                 finding_category=category)
            for i, (code, text, allow_na, photo_on, category) in enumerate(items, start=1)
        ])
