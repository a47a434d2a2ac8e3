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


def draft(staff, firm, *, employees: int = 2, materials: bool = True, **extra) -> Application:
    application = application_create(user=staff, enterprise=firm, data=app_data(returning_headcount=max(employees, 1), **extra))
    for i in range(employees):
        employee_add(user=staff, application=application, data=employee_data(i + 1))
    if materials:
        for kind in Material.Kind.values:
            material_upload(user=staff, application=application, kind=kind, upload=pdf(f"{kind}.pdf"))
    return application


def accept_all(staff, application: Application) -> None:
    verdicts = {m.pk: ("accepted", "") for m in application.materials.filter(is_current=True)}
    material_verdicts_set(user=staff, application=application, verdicts=verdicts)


def meet(staff, application: Application) -> None:
    leader_meeting_record(user=staff, application=application, principal="王伟",
                          met_at=timezone.now() - timedelta(hours=1), outcome="防控措施落实到位")


def submitted(staff, firm, **kw) -> Application:
    application = draft(staff, firm, **kw)
    return application_submit(user=staff, application=application)


def street_approved(staff, firm, **kw) -> Application:
    application = submitted(staff, firm, **kw)
    accept_all(staff, application)
    meet(staff, application)
    return street_decide(user=staff, application=application, outcome="approve", opinion="材料齐全，同意")


def at_task_force(staff, reviewer, firm, **kw) -> Application:
    application = street_approved(staff, firm, **kw)
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
