"""Deterministic, realistic demo enterprises and survey visits (seed_demo and benchmarks)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction

from org.models import Community, Department, Grid, Jurisdiction

from .models import Enterprise, LiaisonAssignment, SurveyVisit
from .validators import make_credit_code

BRANDS = list("华宇鑫源恒泰瑞祥福盛兴隆金达永安宏发嘉和东方海润泰丰天成鲁信万通世纪新港")
CITIES = ["烟台", "芝罘", "烟台市", "芝罘区"]
LARGE_INDUSTRIES = ["机械制造", "食品", "化工", "医疗器械", "电子科技", "纺织", "建材", "海洋生物", "汽车零部件"]
SMALL_INDUSTRIES = ["商贸", "印刷", "物流", "餐饮管理", "装饰工程", "信息技术", "服装", "家具"]
VENUES = ["便利店", "小饭馆", "理发店", "洗浴中心", "五金店", "小超市", "网吧", "美容店", "诊所", "药店",
          "水果店", "早餐店"]
ROADS = ["南大街", "北马路", "西大街", "胜利路", "环山路", "幸福路", "只楚路", "青年南路", "解放路", "上夼西路"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰志红建国海燕鹏飞"
SCALE_WEIGHTS = [("large", 2), ("small", 38), ("venue", 60)]
CATEGORY_WEIGHTS = [("epidemic_supply", 2), ("livelihood", 30), ("key_backbone", 5), ("office_building", 3),
                    ("general", 60)]
STATUS_WEIGHTS = [("not_reopened", 45), ("reopened", 50), ("closed", 2), ("unauthorised", 3)]
VENUE_DEPARTMENTS = {"便利店": "swj", "小超市": "swj", "小饭馆": "scjgj", "早餐店": "scjgj", "诊所": "wjj",
                     "药店": "scjgj", "理发店": "swj", "洗浴中心": "wlj", "网吧": "wlj", "美容店": "swj",
                     "五金店": "swj", "水果店": "swj"}


def _pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))


def mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"


def build_enterprises(count: int, *, start_serial: int = 1, seed: int = 2020) -> list[Enterprise]:
    rng = random.Random(seed + start_serial)  # nosec B311: demo data, not a secret
    jurisdictions = list(Jurisdiction.objects.all())
    departments = {d.code: d for d in Department.objects.all()}
    communities: dict[int, list[Community]] = {}
    for community in Community.objects.all():
        communities.setdefault(community.jurisdiction_id, []).append(community)
    grids: dict[int, list[Grid]] = {}
    for grid in Grid.objects.all():
        grids.setdefault(grid.community_id, []).append(grid)
    large_departments = [departments[c] for c in ("gxj", "swj", "zjj", "wjj", "jtj") if c in departments]
    enterprises = []
    for serial in range(start_serial, start_serial + count):
        scale = _pick(rng, SCALE_WEIGHTS)
        jurisdiction = rng.choice(jurisdictions)
        community = rng.choice(communities[jurisdiction.pk])
        grid = rng.choice(grids[community.pk])
        brand = rng.choice(BRANDS) + rng.choice(BRANDS)
        if scale == "venue":
            venue = rng.choice(VENUES)
            name = f"{jurisdiction.name[:2]}{brand}{venue}"
            department = departments.get(VENUE_DEPARTMENTS[venue])
            category = "livelihood" if venue in ("便利店", "小超市", "药店", "早餐店", "水果店") else "general"
            employees = rng.randint(1, 12)
        else:
            industry = rng.choice(LARGE_INDUSTRIES if scale == "large" else SMALL_INDUSTRIES)
            name = f"{rng.choice(CITIES)}{brand}{industry}有限公司"
            department = rng.choice(large_departments)
            category = _pick(rng, CATEGORY_WEIGHTS)
            employees = rng.randint(300, 3000) if scale == "large" else rng.randint(5, 280)
        enterprises.append(
            Enterprise(
                name=f"{name}（{serial % 1000:03d}）" if serial > 1000 else name,
                credit_code=make_credit_code("370602", serial),
                scale=scale, category=category, department=department, jurisdiction=jurisdiction,
                community=community, grid=grid,
                address=f"烟台市芝罘区{rng.choice(ROADS)}{rng.randint(1, 300)}号",
                legal_representative=person_name(rng), prevention_contact=person_name(rng),
                prevention_mobile=mobile(rng), employee_count=employees,
                output_over_100m=scale == "large" and rng.random() < 0.4,
                operating_status=_pick(rng, STATUS_WEIGHTS),
            )
        )
    return enterprises


@transaction.atomic
def seed_enterprises(count: int, *, start_serial: int = 1, batch: int = 2000, surveyor=None,
                     today: date | None = None) -> int:
    """Create ``count`` enterprises (and survey visits for about 70% when ``surveyor`` is given)."""
    today = today or date.today()
    rng = random.Random(7 + start_serial)  # nosec B311: demo data, not a secret
    created = 0
    for offset in range(0, count, batch):
        enterprises = build_enterprises(min(batch, count - offset), start_serial=start_serial + offset)
        visits = []
        for enterprise in enterprises:
            if surveyor is not None and rng.random() < 0.7:
                enterprise.last_visited_on = today - timedelta(days=rng.randint(0, 30))
        Enterprise.objects.bulk_create(enterprises, batch_size=batch)
        if surveyor is not None:
            visits = [
                SurveyVisit(enterprise=f, visited_on=f.last_visited_on, official=surveyor,
                            observed_status=f.operating_status, notes="走访摸排：已登记防疫负责人，核实员工返岗情况。")
                for f in enterprises if f.last_visited_on
            ]
            SurveyVisit.objects.bulk_create(visits, batch_size=batch)
        created += len(enterprises)
    return created


LIAISON_ENTERPRISES = 25  # the demo liaison is stationed in the first enterprises of 向阳街道


def seed_registry(count: int, *, surveyor, liaison) -> int:
    """seed_demo step: ``count`` more enterprises (survey visits by ``surveyor``) and ``liaison`` stationed in
    some of them; returns how many enterprises were created."""
    created = seed_enterprises(count, start_serial=Enterprise.objects.count() + 1, surveyor=surveyor)
    enterprises = Enterprise.objects.filter(jurisdiction__code="370602001").order_by("id")[:LIAISON_ENTERPRISES]
    LiaisonAssignment.objects.bulk_create(
        [LiaisonAssignment(liaison=liaison, enterprise=f) for f in enterprises], ignore_conflicts=True,
    )
    return created
