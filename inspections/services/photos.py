"""现场照片: checked by content before anything is written, stored by content (sha256), with a thumbnail
made on the server. The capture time comes from the photo's EXIF where it has one; the time received is
always recorded; the location is the browser's, with its accuracy, where the inspector allowed it.

Two steps, so that a bad photo refuses the whole act before any row is written: ``photo_check`` (in the
service, before the transaction's writes) and ``photo_store`` (inside it)."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from zhifu_reopen.errors import DomainError

from ..models import Photo

FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
THUMB_SIZE = (480, 480)
EXIF_DATETIME_ORIGINAL = 0x9003
EXIF_IFD = 0x8769


@dataclass(frozen=True)
class CheckedPhoto:
    data: bytes
    sha256: str
    content_type: str
    extension: str
    width: int
    height: int
    captured_at: datetime | None
    name: str = ""


def _refuse(message: str) -> DomainError:
    return DomainError(message, messages=[message], code="invalid")


def _captured_at(image: Image.Image) -> datetime | None:
    try:
        exif = image.getexif()
        raw = exif.get_ifd(EXIF_IFD).get(EXIF_DATETIME_ORIGINAL) or exif.get(0x0132)
        if not raw:
            return None
        moment = datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    # EXIF has no zone: a camera in the district keeps the district's time.
    aware = timezone.make_aware(moment, timezone.get_default_timezone())
    return aware if aware <= timezone.now() + timedelta(days=1) else None


def photo_check(upload) -> CheckedPhoto:
    """Refuse (``DomainError``, code invalid) anything that is not a JPEG, PNG or WebP picture by its content,
    is larger than ``INSPECTIONS_PHOTO_MAX_BYTES``, or would decode to more than
    ``INSPECTIONS_PHOTO_MAX_PIXELS`` (a decompression bomb). Reads the upload once."""
    name = getattr(upload, "name", "") or ""
    limit = settings.INSPECTIONS_PHOTO_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _refuse(_("照片“%(name)s”超过 %(mb)s MB，请压缩后重新上传。") % {"name": name, "mb": limit // (1024 * 1024)})
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _refuse(_("照片“%(name)s”超过 %(mb)s MB，请压缩后重新上传。") % {"name": name, "mb": limit // (1024 * 1024)})
    if not data:
        raise _refuse(_("照片“%(name)s”是空文件。") % {"name": name})
    not_image = _("“%(name)s”不是照片（只接受 JPEG、PNG 或 WebP 图片）。") % {"name": name}
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in FORMATS:
                raise _refuse(not_image)
            width, height = image.size
            if width * height > settings.INSPECTIONS_PHOTO_MAX_PIXELS:
                raise _refuse(_("照片“%(name)s”像素过大，拒绝处理。") % {"name": name})
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            captured = _captured_at(image)
            content_type, extension = FORMATS[image.format]
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _refuse(not_image) from None
    return CheckedPhoto(data=data, sha256=hashlib.sha256(data).hexdigest(), content_type=content_type,
                        extension=extension, width=width, height=height, captured_at=captured, name=name)


def _thumbnail(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        if image.format == "JPEG":
            image.draft("RGB", THUMB_SIZE)  # decode at 1/2, 1/4 or 1/8 scale: the thumbnail needs no more
        image = ImageOps.exif_transpose(image)
        image.thumbnail(THUMB_SIZE)
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        out = io.BytesIO()
        image.save(out, "JPEG", quality=80)
        return out.getvalue()


def _stored(name: str, data: bytes) -> str:
    """Content-addressed: the same photo uploaded twice is stored once."""
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(data))
    return name


def location_parse(latitude, longitude, accuracy) -> tuple[Decimal | None, Decimal | None, int | None]:
    """The browser's position as sent by the form (blank where the inspector did not allow it); nonsense is
    dropped, not refused (the photo still counts)."""
    try:
        lat = Decimal(str(latitude)).quantize(Decimal("0.000001")) if latitude not in (None, "") else None
        lng = Decimal(str(longitude)).quantize(Decimal("0.000001")) if longitude not in (None, "") else None
        acc = int(float(accuracy)) if accuracy not in (None, "") else None
    except (InvalidOperation, ValueError, TypeError):
        return None, None, None
    if lat is None or lng is None or not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return None, None, None
    return lat, lng, acc if acc is None or 0 <= acc < 1_000_000 else None


def photo_store(*, checked: CheckedPhoto, actor, inspection, finding=None, answer=None,
                location: tuple = (None, None, None)) -> Photo:
    """Store a checked photo and its thumbnail and record it (inside the caller's transaction)."""
    sha = checked.sha256
    file_name = _stored(f"inspections/photos/{sha[:2]}/{sha}.{checked.extension}", checked.data)
    thumb_name = _stored(f"inspections/thumbs/{sha[:2]}/{sha}.jpg", _thumbnail(checked.data))
    latitude, longitude, accuracy = location
    return Photo.objects.create(
        inspection=inspection, finding=finding, answer=answer, sha256=sha, file=file_name, thumbnail=thumb_name,
        content_type=checked.content_type, size=len(checked.data), width=checked.width, height=checked.height,
        taken_by=actor, captured_at=checked.captured_at, latitude=latitude, longitude=longitude,
        accuracy_m=accuracy,
    )
