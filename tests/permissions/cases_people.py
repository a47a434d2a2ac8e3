"""The people pages (人员与岗位): the district administrator everywhere (but the superusers' and the
administrators' accounts), a street's director for the officials and the secretary of the own street
(the 东山 director does not see 向阳's people: 404); every other role: 403."""

from tests.permissions.spec import ALL_PERSONAS, Case, each

MANAGERS = ("district_admin", "director_xy", "director_ds")
SEES_LISTS = each(MANAGERS, 200)
MANAGES_XY = {"district_admin": 200, "director_xy": 200, "director_ds": 404}


def build_people(world):
    from tests.approvals.helpers import colleague

    world.staff_xy2 = colleague(world.users["staff_xy"])  # a second official of 向阳


def as_status(code, mapping):
    return {k: (code if v == 200 else v) for k, v in mapping.items()}


def person(name):
    return lambda w: [w.users[name].pk]


def post_data(key):
    def data(w):
        role, unit = key
        return {"post": f"{role}:{getattr(w, unit).pk if unit else ''}", "reason": "矩阵测试"}

    return data


REASON = lambda w: {"reason": "矩阵测试"}  # noqa: E731
NEW_ACCOUNT = lambda w: {"username": "matrix_new", "full_name": "新人", "post": f"street_staff:{w.xy.pk}",  # noqa: E731
                         "reason": "矩阵测试"}

CASES = [
    Case("people:list", allowed=SEES_LISTS),
    Case("people:list", allowed=SEES_LISTS, query="q=staff&role=street_staff&status=active"),
    Case("people:create", allowed=SEES_LISTS),
    Case("people:create", method="post", data=NEW_ACCOUNT,
         allowed={"district_admin": 201, "director_xy": 201, "director_ds": 400},
         note="the 东山 director is offered 东山's posts only: the form refuses 向阳's"),
    Case("people:detail", args=person("staff_xy"), allowed=MANAGES_XY),
    Case("people:detail", args=person("director_xy"), allowed=MANAGES_XY, note="a director sees their own page"),
    Case("people:detail", args=person("dept_gxj"), allowed={"district_admin": 200, "director_xy": 404,
                                                             "director_ds": 404}),
    # staff_xy → also an official of 东山: the administrator; the 向阳 director is not offered 东山's post.
    Case("people:appoint", method="post", args=person("staff_xy"), data=post_data(("street_staff", "ds")),
         allowed={"district_admin": 302, "director_xy": 400, "director_ds": 404}),
    Case("people:appoint", method="post", args=person("staff_xy"), data=post_data(("district_admin", None)),
         allowed={"district_admin": 400, "director_xy": 400, "director_ds": 404},
         note="only a superuser appoints a district administrator: not even offered"),
    Case("people:move", method="post", args=lambda w: [w.staff_xy2.pk],
         data=lambda w: {"leaving": f"street_staff:{w.xy.pk}", "post": f"street_secretary:{w.xy.pk}", "reason": "调任"},
         allowed={"district_admin": 302, "director_xy": 302, "director_ds": 404},
         note="the new secretary's appointment ends secretary_xy's post"),
    Case("people:end", method="post", args=person("staff_xy"), data=post_data(("street_staff", "xy")),
         allowed=as_status(302, MANAGES_XY)),
    Case("people:end", method="post", args=person("director_xy"), data=post_data(("street_director", "xy")),
         allowed={"district_admin": 302, "director_xy": 403, "director_ds": 404},
         note="a director's post is the district's: refused to the director, 403"),
    Case("people:deactivate", method="post", args=person("staff_xy"), data=REASON, allowed=as_status(302, MANAGES_XY)),
    Case("people:deactivate", method="post", args=person("district_admin"), data=REASON,
         allowed={"district_admin": 403, "director_xy": 404, "director_ds": 404},
         note="an administrator's account is the superusers'; directors do not see it"),
    Case("people:reactivate", method="post", args=person("staff_xy"), data=REASON,
         allowed={"district_admin": 409, "director_xy": 409, "director_ds": 404}, note="active already: a conflict"),
    Case("people:password_reset", method="post", args=person("staff_xy"), data=REASON, allowed=MANAGES_XY),
    # The one-time link: public; an unknown link says so.
    Case("password_set", args=lambda w: ["MQ", "bad-token"], allowed=each(ALL_PERSONAS, 200), anonymous=200),
    Case("password_set_done", allowed=each(ALL_PERSONAS, 200), anonymous=200),
]
