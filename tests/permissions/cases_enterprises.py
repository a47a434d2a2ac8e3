from tests.permissions.spec import ALL_PERSONAS, STREET_DS, STREET_XY, Case, each

EVERYONE = each(ALL_PERSONAS, 200)
# Every official: the firm's own account opens only its enterprise's page (and the home page).
OFFICIALS = each((p for p in ALL_PERSONAS if p != "firm_xy"), 200)
# Who sees the 向阳 enterprise (工信局): its street, its department, the task force, the district patrol
# team, the 向阳 joint team and its liaison.
SEES_ENTERPRISE_XY = each((*STREET_XY, "dept_gxj", "taskforce", "inspector_d1", "inspector_xy", "liaison_xy",
                           "firm_xy"), 200)
COVERAGE_ROLES = each((*STREET_XY, *STREET_DS, "taskforce"), 200)


def visit_data(world):
    return {"visited_on": "2020-02-15", "observed_status": "reopened", "notes": "现场检查"}


def enterprise_data(world):
    return {
        "name": "烟台矩阵测试有限公司", "credit_code": "91350100M000100Y43", "scale": "small",
        "category": "general", "jurisdiction": world.xy.pk, "address": "烟台市芝罘区南大街1号",
        "employee_count": 5, "operating_status": "not_reopened",
    }


CASES = [
    Case("home", allowed=EVERYONE),
    Case("enterprises:list", allowed=OFFICIALS),
    Case("enterprises:list", allowed=OFFICIALS, query="jurisdiction=1&scale=small&q=%E7%83%9F"),
    Case("enterprises:detail", args=lambda w: [w.enterprise_xy.pk], allowed=SEES_ENTERPRISE_XY, default=404),
    Case("enterprises:detail", args=lambda w: [w.enterprise_ds.pk], default=404,
         allowed=each((*STREET_DS, "dept_swj", "taskforce", "inspector_d1", "inspector_ds"), 200)),
    Case("enterprises:create", allowed={"staff_xy": 200, "staff_ds": 200}),
    Case("enterprises:create", method="post", data=enterprise_data, allowed={"staff_xy": 302, "staff_ds": 400},
         note="staff_ds may not register an enterprise in 向阳: the form offers only 东山"),
    Case("enterprises:edit", args=lambda w: [w.enterprise_xy.pk], allowed={"staff_xy": 200, "staff_ds": 404},
         default=403),
    Case("enterprises:close", args=lambda w: [w.enterprise_xy.pk], allowed={"staff_xy": 200, "staff_ds": 404},
         default=403),
    Case("enterprises:close", method="post", args=lambda w: [w.enterprise_ds.pk], data=lambda w: {"reason": "已注销"},
         allowed={"staff_ds": 302, "staff_xy": 404}, default=403),
    Case("enterprises:close", method="post", args=lambda w: [w.enterprise_xy.pk], data=lambda w: {"reason": "已注销"},
         allowed={"staff_xy": 409, "staff_ds": 404}, default=403,
         note="the 向阳 enterprise's placard still stands: revoke it first"),
    Case("enterprises:visit_create", method="post", args=lambda w: [w.enterprise_xy.pk], data=visit_data,
         allowed={"staff_xy": 302, "liaison_xy": 302, "staff_ds": 404}),
    Case("enterprises:visit_create", method="post", args=lambda w: [w.enterprise_ds.pk], data=visit_data,
         allowed={"staff_ds": 302, "staff_xy": 404, "liaison_xy": 404}),
    Case("enterprises:coverage", allowed=COVERAGE_ROLES),
    Case("enterprises:check_code", query="credit_code=91350100M000100Y43",
         allowed={"staff_xy": 200, "staff_ds": 200}),
]
