"""Patrol pages: recording (inspectors of a covering team), the records (street, department, task force and
covering inspectors; out of scope 404), orders and stop-works, unauthorised openings, the due list
(inspectors), teams, checklists (inspectors read, the task force edits)."""

from __future__ import annotations

from tests.permissions.spec import STREET_DS, STREET_XY, Case, each

INSPECTORS_XY = ("inspector_xy", "inspector_d1")
READ_XY = {**each((*STREET_XY, "dept_gxj", "taskforce", *INSPECTORS_XY), 200),
           **each((*STREET_DS, "dept_swj", "inspector_ds"), 404)}
ALL_INSPECTORS = ("inspector_xy", "inspector_d1", "inspector_ds")
READER_ROLES_ALL = (*STREET_XY, *STREET_DS, "dept_gxj", "dept_swj", "taskforce", *ALL_INSPECTORS)


def build_inspections(world):
    from enterprises.choices import OperatingStatus
    from inspections.models import Checklist, Finding, Photo, RectificationOrder, StopWork
    from org.models import PatrolTeam
    from tests.factories import EnterpriseFactory
    from tests.inspections.helpers import all_yes, failed, record

    inspector = world.users["inspector_xy"]
    world.inspection_xy = record(inspector, world.enterprise_xy, "向阳街道联合巡查组",
                                 answers=all_yes(world.enterprise_xy, masks=failed("前台未戴口罩")))
    world.order_xy = RectificationOrder.objects.get(finding__inspection=world.inspection_xy)
    world.photo_xy = Photo.objects.filter(inspection=world.inspection_xy).first()
    shut = EnterpriseFactory(jurisdiction=world.xy, department=world.enterprise_xy.department,
                             operating_status=OperatingStatus.REOPENED)
    stopped = record(inspector, shut, "向阳街道联合巡查组", answers=all_yes(
        shut, gate_duty=failed("门岗无人", action=Finding.Action.STOP_WORK)))
    world.stop_xy = StopWork.objects.get(finding__inspection=stopped)
    world.team_xy = PatrolTeam.objects.get(name="向阳街道联合巡查组")
    world.checklist = Checklist.objects.get(purpose="reopened")


ENTERPRISE_XY = lambda w: f"enterprise={w.enterprise_xy.pk}"  # noqa: E731

CASES = [
    Case("inspections:new", query="", allowed=each(ALL_INSPECTORS, 404), default=403,
         note="no enterprise given: 404 for whoever may record"),
    Case("inspections:detail", args=lambda w: [w.inspection_xy.pk], allowed=READ_XY),
    Case("inspections:photo", args=lambda w: [w.photo_xy.pk], allowed=READ_XY),
    Case("inspections:photo_file", args=lambda w: [w.photo_xy.pk], allowed=READ_XY),
    Case("inspections:photo_thumb", args=lambda w: [w.photo_xy.pk], allowed=READ_XY),
    Case("inspections:orders", allowed=each(READER_ROLES_ALL, 200)),
    Case("inspections:orders", query="show=overdue", allowed=each(READER_ROLES_ALL, 200)),
    Case("inspections:reinspect", args=lambda w: [w.order_xy.pk],
         allowed={**each(INSPECTORS_XY, 200), "inspector_ds": 404}),
    Case("inspections:reinspect", method="post", args=lambda w: [w.order_xy.pk], data=lambda w: {"outcome": ""},
         allowed={**each(INSPECTORS_XY, 400), "inspector_ds": 404}),
    Case("inspections:stop_work", args=lambda w: [w.stop_xy.pk], allowed=READ_XY),
    Case("inspections:stop_work", method="post", args=lambda w: [w.stop_xy.pk], data=lambda w: {"reason": ""},
         allowed={**each((*STREET_XY, "dept_gxj"), 403), **each(INSPECTORS_XY, 400), "taskforce": 400,
                  **each((*STREET_DS, "dept_swj", "inspector_ds"), 404)},
         note="street officials read a stop-work but may not lift it"),
    Case("inspections:unauthorised_new", allowed=each(ALL_INSPECTORS, 200)),
    Case("inspections:unauthorised_new", method="post", data=lambda w: {"name": ""},
         allowed=each(ALL_INSPECTORS, 400)),
    Case("inspections:due", allowed=each(ALL_INSPECTORS, 200)),
    Case("inspections:due_rebuild", method="post", allowed=each(ALL_INSPECTORS, 302)),
    Case("inspections:teams", allowed=each((*READER_ROLES_ALL, "district_admin"), 200)),
    Case("inspections:team", args=lambda w: [w.team_xy.pk],
         allowed={**each((*STREET_XY, "taskforce", "district_admin", "inspector_xy"), 200),
                  **each((*STREET_DS, "dept_gxj", "dept_swj", "inspector_d1", "inspector_ds"), 404)}),
    Case("inspections:checklists", allowed=each(("taskforce", *ALL_INSPECTORS), 200)),
    Case("inspections:checklist", args=lambda w: [w.checklist.pk], allowed=each(("taskforce", *ALL_INSPECTORS), 200)),
    Case("inspections:checklist_draft", method="post", args=lambda w: [w.checklist.pk], allowed={"taskforce": 302}),
    Case("inspections:checklist_item", method="post", args=lambda w: [w.checklist.pk],
         data=lambda w: {"code": "x"}, allowed={"taskforce": 400}, note="no draft yet: refused, 400"),
    Case("inspections:checklist_item_remove", method="post", args=lambda w: [w.checklist.pk],
         data=lambda w: {"code": "x"}, allowed={"taskforce": 400}),
    Case("inspections:checklist_publish", method="post", args=lambda w: [w.checklist.pk], allowed={"taskforce": 400}),
]
