"""The district's organisation: 12 streets + 卧龙园, communities, grids, industry departments, patrol teams.
``org_ensure`` is idempotent; demo data and tests build on it."""

from __future__ import annotations

from django.db import transaction

from .models import Community, Department, Grid, Jurisdiction, PatrolTeam

STREETS = [
    ("370602001", "向阳街道"), ("370602002", "东山街道"), ("370602003", "毓璜顶街道"),
    ("370602004", "通伸街道"), ("370602005", "凤凰台街道"), ("370602006", "奇山街道"),
    ("370602007", "白石街道"), ("370602008", "芝罘岛街道"), ("370602009", "黄务街道"),
    ("370602010", "只楚街道"), ("370602011", "世回尧街道"), ("370602012", "幸福街道"),
]
PARK = ("370602400", "卧龙园")
DEPARTMENTS = [
    ("gxj", "工信局"), ("swj", "商务局"), ("zjj", "住建局"), ("wlj", "文旅局"),
    ("wjj", "卫健局"), ("jtj", "交通运输局"), ("scjgj", "市场监管局"),
]
COMMUNITIES_PER_JURISDICTION = 4
GRIDS_PER_COMMUNITY = 3
DISTRICT_TEAMS = ["区第一巡查指导组", "区第二巡查指导组", "区第三巡查指导组", "区第四巡查指导组"]
COMMUNITY_WORDS = ["东", "西", "南", "北", "中", "新", "福", "安"]


@transaction.atomic
def org_ensure() -> None:
    expected_teams = len(STREETS) + 1 + len(DISTRICT_TEAMS)
    if (
        Jurisdiction.objects.count() == len(STREETS) + 1
        and Department.objects.count() >= len(DEPARTMENTS)
        and PatrolTeam.objects.count() >= expected_teams
    ):
        return
    for index, (code, name) in enumerate([*STREETS, PARK]):
        kind = "park" if code == PARK[0] else "street"
        jurisdiction, _ = Jurisdiction.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "phone": f"0535-62{index:02d}1234"}
        )
        for c in range(COMMUNITIES_PER_JURISDICTION):
            community, _ = Community.objects.get_or_create(
                jurisdiction=jurisdiction, name=f"{name[:2]}{COMMUNITY_WORDS[c]}社区"
            )
            for g in range(GRIDS_PER_COMMUNITY):
                Grid.objects.get_or_create(community=community, name=f"第{g + 1}网格")
        PatrolTeam.objects.get_or_create(name=f"{name}联合巡查组", defaults={"jurisdiction": jurisdiction})
    for code, name in DEPARTMENTS:
        Department.objects.get_or_create(code=code, defaults={"name": name})
    for name in DISTRICT_TEAMS:
        PatrolTeam.objects.get_or_create(name=name, defaults={"jurisdiction": None})
