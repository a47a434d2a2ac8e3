"""From a placard row to its PDF: the code path the render worker runs."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from .. import rendering
from ..models import Placard


def date_cn(value) -> str:
    """Formal documents write 2020年2月15日 (no zero padding)."""
    return f"{value.year}年{value.month}月{value.day}日"


def placard_data(placard: Placard) -> rendering.PlacardData:
    firm = placard.enterprise
    jurisdiction = firm.jurisdiction
    return rendering.PlacardData(
        number=placard.number,
        code=placard.code,
        firm_name=firm.name,
        credit_code=firm.credit_code,
        address=firm.address,
        jurisdiction=jurisdiction.name,
        prevention_contact=firm.prevention_contact,
        prevention_mobile=firm.prevention_mobile,
        headcount=placard.approved_headcount,
        approved_on=date_cn(placard.approved_on),
        issuing_unit=jurisdiction.name,
        street_phone=jurisdiction.phone,
        verify_url=placard.verify_url,
    )


def pdf_name(placard: Placard) -> str:
    return f"placards/{placard.year}/{placard.year}-{placard.serial:05d}.pdf"


def placard_render(placard_id: int) -> Placard:
    """Draw the placard and store it under its one file name (a re-run overwrites, never adds)."""
    placard = Placard.objects.select_related("enterprise__jurisdiction").get(pk=placard_id)
    content = rendering.render_pdf(placard_data(placard))
    name = pdf_name(placard)
    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(content))
    if saved != name:  # another worker wrote the same placard in between: keep one file
        default_storage.delete(saved)
    Placard.objects.filter(pk=placard.pk).update(pdf=name, rendered_at=timezone.now())
    placard.pdf.name = name
    return placard
