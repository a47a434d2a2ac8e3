from tests.permissions.spec import ALL_PERSONAS, STREET_DS, STREET_XY, Case, each

# Print placards: street staff, secretary and director of the own street; the task force everywhere.
# The 东山 street roles have the business but not this placard (404); every other role: 403.
SEES_PLACARD_XY = {**each((*STREET_XY, "taskforce"), 200), **each(STREET_DS, 404)}
LIST_ROLES = each((*STREET_XY, *STREET_DS, "taskforce"), 200)


def build_placards(world):
    from placards.services.placard_pdf import placard_render
    from tests.placards.helpers import approve

    world.placard_xy = approve(world.enterprise_xy, world.users["secretary_xy"])
    placard_render(world.placard_xy.pk)


def as_status(code, mapping):
    return {k: (code if v == 200 else v) for k, v in mapping.items()}


REASON = lambda w: {"reason": "巡查发现未落实测温登记"}  # noqa: E731

CASES = [
    Case("placards:list", allowed=LIST_ROLES),
    Case("placards:list", allowed=LIST_ROLES, query="status=valid&new=on"),
    Case("placards:detail", args=lambda w: [w.placard_xy.pk], allowed=SEES_PLACARD_XY),
    Case("placards:download", args=lambda w: [w.placard_xy.pk], allowed=SEES_PLACARD_XY),
    Case("placards:reprint", method="post", args=lambda w: [w.placard_xy.pk], allowed=as_status(302, SEES_PLACARD_XY)),
    Case("placards:batch", method="post", data=lambda w: {"ids": [w.placard_xy.pk]},
         allowed=as_status(302, SEES_PLACARD_XY), note="东山 may not print a 向阳 placard: 404"),
    Case("placards:suspend", method="post", args=lambda w: [w.placard_xy.pk], data=REASON,
         allowed={"taskforce": 302}),
    Case("placards:revoke", method="post", args=lambda w: [w.placard_xy.pk], data=REASON,
         allowed={"taskforce": 302}),
    Case("placards:reinstate", method="post", args=lambda w: [w.placard_xy.pk], data=REASON,
         allowed={"taskforce": 400}, note="refused with a message (not suspended), the page again with a 400, but allowed to ask"),
    # Public: anyone, signed in or not.
    Case("placard_verify", args=lambda w: [w.placard_xy.token], allowed=each(ALL_PERSONAS, 200), anonymous=200),
    Case("placard_verify", args=lambda w: ["Zz" * 16], allowed={}, default=404, anonymous=404,
         note="unknown token: friendly 404"),
]
