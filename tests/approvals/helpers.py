"""Builders for approvals tests (and the permission-matrix world): ready applications driven to any step
through the real services."""

from __future__ import annotations

import io
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from approvals.models import Application, Material
from approvals.services.applications import (
    application_create,
    application_submit,
    employee_add,
    material_upload,
)
from approvals.services.chain import department_decide
from approvals.services.review import leader_meeting_record, material_verdicts_set, street_decide
from approvals.validators import make_id_number

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def pdf(name="方案.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def employee_data(i: int = 1, **extra) -> dict:
    return {
        "name": f"张{'一二三四五六七八九十'[i % 10]}", "id_number": make_id_number("370602", date(1985, 3, 1 + i % 27), i),
        "mobile": f"1390535{i:04d}", "residence": "烟台市芝罘区南大街1号", "travel_history": "未离烟",
        "health_status": "healthy", **extra,
    }


def app_data(**extra) -> dict:
    return {
        "requested_reopen_on": date.today() + timedelta(days=3), "returning_headcount": 2,
        "masks_qty": 500, "thermometers_qty": 5, "disinfectant_litres": 20, **extra,
    }


def draft(staff, enterprise, *, employees: int = 2, materials: bool = True, **extra) -> Application:
    application = application_create(user=staff, enterprise=enterprise, data=app_data(returning_headcount=max(employees, 1), **extra))
    for i in range(employees):
        employee_add(user=staff, application=application, data=employee_data(i + 1))
    if materials:
        for kind in Material.Kind.values:
            material_upload(user=staff, application=application, kind=kind, upload=pdf(f"{kind}.pdf"))
    return application


def colleague(staff):
    """The second official of the filer's street (``staff_xy`` → ``staff_xy2``): the official who filed
    an application never takes its street step."""
    from accounts.models import Role, User
    from accounts.services import user_create
    from org.models import Jurisdiction

    name = f"{staff.username}2"
    existing = User.objects.filter(username=name).first()
    if existing is not None:
        return existing
    streets = list(Jurisdiction.objects.filter(
        jurisdictionuserobjectpermission__user=staff,
        jurisdictionuserobjectpermission__permission__codename="work_in_jurisdiction",
    ))
    return user_create(username=name, password="zhifu-test-pw", role=Role.STREET_STAFF, full_name=name,
                       jurisdictions=streets)


def accept_all(reviewer, application: Application) -> None:
    """Every material accepted by ``reviewer`` (a street official other than the filer)."""
    verdicts = {m.pk: ("accepted", "") for m in application.materials.filter(is_current=True)}
    material_verdicts_set(user=reviewer, application=application, verdicts=verdicts)


def meet(staff, application: Application) -> None:
    leader_meeting_record(user=staff, application=application, principal="王伟",
                          met_at=timezone.now() - timedelta(hours=1), outcome="防控措施落实到位")


def submitted(staff, enterprise, **kw) -> Application:
    application = draft(staff, enterprise, **kw)
    return application_submit(user=staff, application=application)


def street_approved(staff, enterprise, *, street_reviewer=None, **kw) -> Application:
    """Filed and submitted by ``staff``, reviewed at the street by ``street_reviewer`` (default: the
    second official of the street)."""
    street_reviewer = street_reviewer or colleague(staff)
    application = submitted(staff, enterprise, **kw)
    accept_all(street_reviewer, application)
    meet(staff, application)
    return street_decide(user=street_reviewer, application=application, outcome="approve", opinion="材料齐全，同意")


def at_task_force(staff, reviewer, enterprise, **kw) -> Application:
    application = street_approved(staff, enterprise, **kw)
    return department_decide(user=reviewer, application=application, outcome="approve", opinion="同意")


def xlsx(rows, header=None) -> SimpleUploadedFile:
    from openpyxl import Workbook

    from approvals.services.applications import ROSTER_HEADERS

    wb = Workbook()
    ws = wb.active
    ws.append(header or ROSTER_HEADERS)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("花名册.xlsx", buf.getvalue())
