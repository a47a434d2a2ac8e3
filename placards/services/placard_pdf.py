"""From a placard row to its PDF: the code path the render worker runs."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from .. import pdf
from ..models import Placard


def date_cn(value) -> str:
    """Formal documents write 2020年2月15日 (no zero padding)."""
    return f"{value.year}年{value.month}月{value.day}日"


def qr_for(placard: Placard) -> tuple[tuple[bytes, ...], bool]:
    """The placard's QR modules: the stored ones while they encode the current verify URL, else newly
    computed (second value True: store them)."""
    url = placard.verify_url
    if placard.qr_matrix and placard.qr_url == url:
        return pdf.qr_matrix_loads(placard.qr_matrix), False
    matrix = pdf.qr_matrix(url)
    placard.qr_url, placard.qr_matrix = url, pdf.qr_matrix_dumps(matrix)
    return matrix, True


def placard_data(placard: Placard, matrix: tuple[bytes, ...] | None = None) -> pdf.PlacardData:
    enterprise = placard.enterprise
    jurisdiction = enterprise.jurisdiction
    return pdf.PlacardData(
        number=placard.number,
        code=placard.code,
        enterprise_name=enterprise.name,
        credit_code=enterprise.credit_code,
        address=enterprise.address,
        jurisdiction=jurisdiction.name,
        prevention_contact=enterprise.prevention_contact,
        prevention_mobile=enterprise.prevention_mobile,
        headcount=placard.approved_headcount,
        approved_on=date_cn(placard.approved_on),
        issuing_unit=jurisdiction.name,
        street_phone=jurisdiction.phone,
        verify_url=placard.verify_url,
        qr_matrix=matrix,
    )


def pdf_name(placard: Placard) -> str:
    return f"placards/{placard.year}/{placard.year}-{placard.serial:05d}.pdf"


def placard_draw(placard: Placard) -> str:
    """Draw the placard and store it under its one file name (a re-run overwrites, never adds); the row
    is not written here (``placard.qr_*`` may have been filled in). Returns the file name."""
    matrix, _new = qr_for(placard)
    content = pdf.render_pdf(placard_data(placard, matrix))
    name = pdf_name(placard)
    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(content))
    if saved != name:  # another worker wrote the same placard in between: keep one file
        default_storage.delete(saved)
    placard.pdf.name = name
    return name


def placard_load(placard_id: int) -> Placard:
    return Placard.objects.select_related("enterprise__jurisdiction").get(pk=placard_id)


def placard_render(placard_id: int) -> Placard:
    """Draw and store the placard and record its file on the row."""
    placard = placard_load(placard_id)
    name = placard_draw(placard)
    Placard.objects.filter(pk=placard.pk).update(pdf=name, rendered_at=timezone.now(), qr_url=placard.qr_url,
                                                 qr_matrix=placard.qr_matrix)
    return placard
