"""Drawing the 准许复工公示牌 with reportlab: one page per placard, the Chinese font embedded as a subset,
a vector QR code. Knows nothing of the database: it draws a ``PlacardData``.

The font (WenQuanYi Micro Hei, vendored in ``fonts/``) is registered once per process. If it is missing
or cannot draw Chinese, ``FontUnavailable`` is raised: a placard is never printed with empty boxes.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import segno
from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONT_NAME = "WQYMicroHei"
FONT_PATH = Path(__file__).resolve().parent.parent / "fonts" / "wqy-microhei.ttc"
TITLE = "生产经营单位准许复工公示牌"
RED = HexColor("#C8161D")
DARK = HexColor("#222222")
GREY = HexColor("#666666")
WIDTH, HEIGHT = A4

_font_lock = threading.Lock()
_font_ready = False


class FontUnavailable(RuntimeError):
    """The Chinese font cannot be loaded: refuse to render rather than print boxes."""


def ensure_font(path: Path | str | None = None) -> str:
    """Register the font once per process and return its name."""
    global _font_ready
    if _font_ready and path is None:
        return FONT_NAME
    with _font_lock:
        if _font_ready and path is None:
            return FONT_NAME
        font_path = Path(path or FONT_PATH)
        if not font_path.is_file():
            raise FontUnavailable(f"公示牌字体文件缺失：{font_path}（请确认安装包中的 fonts/wqy-microhei.ttc）")
        try:
            font = TTFont(FONT_NAME, str(font_path), subfontIndex=0)
        except Exception as exc:
            raise FontUnavailable(f"公示牌字体无法使用：{font_path}：{exc}") from exc
        missing = [ch for ch in TITLE + "〔〕号年月日" if ord(ch) not in font.face.charToGlyph]
        if missing:
            raise FontUnavailable(f"公示牌字体缺少汉字字形：{''.join(missing)}")
        pdfmetrics.registerFont(font)
        _font_ready = True
    return FONT_NAME


@dataclass(frozen=True)
class PlacardData:
    number: str
    code: str
    enterprise_name: str
    credit_code: str
    address: str
    jurisdiction: str
    prevention_contact: str
    prevention_mobile: str
    headcount: int
    approved_on: str  # 2020年2月15日
    issuing_unit: str
    street_phone: str
    verify_url: str
    hotline: str = "12345"
    qr_matrix: tuple[bytes, ...] | None = None  # precomputed modules of verify_url (see qr_matrix())


def wrap(text: str, width: float, size: float, font: str = FONT_NAME) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (character-wise, as Chinese is set)."""
    face = pdfmetrics.getFont(font)
    lines, current, used = [], [], 0.0
    for ch in text:
        w = face.stringWidth(ch, size)
        if used + w > width and current:
            lines.append("".join(current))
            current, used = [], 0.0
        current.append(ch)
        used += w
    if current or not lines:
        lines.append("".join(current))
    return lines


_ZERO_ONE = bytes.maketrans(b"01", b"\x00\x01")


def qr_matrix(url: str) -> tuple[bytes, ...]:
    """The QR code's modules for ``url`` (error level M, best mask), one bytes row per line, 1 = dark."""
    return tuple(bytes(row) for row in segno.make(url, error="m", micro=False).matrix)


def qr_matrix_dumps(matrix: tuple[bytes, ...]) -> str:
    return "\n".join(row.translate(bytes.maketrans(b"\x00\x01", b"01")).decode() for row in matrix)


def qr_matrix_loads(text: str) -> tuple[bytes, ...]:
    return tuple(line.encode().translate(_ZERO_ONE) for line in text.split("\n"))


def draw_qr(c: Canvas, url: str, x: float, y: float, size: float, matrix=None) -> None:
    """A vector QR code (quiet zone included in ``size``), dark runs of each row merged into one rect."""
    if matrix is None:
        matrix = qr_matrix(url)
    n = len(matrix)
    border = 4
    module = size / (n + 2 * border)
    c.setFillColor(white)
    c.rect(x, y, size, size, stroke=0, fill=1)
    path = c.beginPath()
    for r, row in enumerate(matrix):
        top = y + size - (border + r + 1) * module
        col = 0
        while col < n:
            if row[col] & 1:
                start = col
                while col < n and row[col] & 1:
                    col += 1
                path.rect(x + (border + start) * module, top, (col - start) * module, module)
            else:
                col += 1
    c.setFillColor(Color(0, 0, 0))
    c.drawPath(path, stroke=0, fill=1)


def _bold_text(c: Canvas, x: float, y: float, text: str, size: float, colour, centred=False, stroke=0.6):
    """Micro Hei has no bold face: fill and stroke the glyphs (text render mode 2)."""
    t = c.beginText()
    t.setFont(FONT_NAME, size)
    t.setTextRenderMode(2)
    if centred:
        x -= pdfmetrics.stringWidth(text, FONT_NAME, size) / 2
    t.setTextOrigin(x, y)
    c.setFillColor(colour)
    c.setStrokeColor(colour)
    c.setLineWidth(stroke)
    t.textOut(text)
    t.setTextRenderMode(0)
    c.drawText(t)


def draw_placard(c: Canvas, d: PlacardData) -> None:
    """Draw one placard on the current page of ``c`` (A4 portrait)."""
    ensure_font()
    margin = 36
    # Double red frame
    c.setStrokeColor(RED)
    c.setLineWidth(3)
    c.rect(margin, margin, WIDTH - 2 * margin, HEIGHT - 2 * margin, stroke=1, fill=0)
    c.setLineWidth(0.8)
    c.rect(margin + 6, margin + 6, WIDTH - 2 * margin - 12, HEIGHT - 2 * margin - 12, stroke=1, fill=0)

    # Red header band with the title
    band_top = HEIGHT - margin - 6
    band_h = 92
    c.setFillColor(RED)
    c.rect(margin + 6, band_top - band_h, WIDTH - 2 * margin - 12, band_h, stroke=0, fill=1)
    _bold_text(c, WIDTH / 2, band_top - 56, TITLE, 31, white, centred=True, stroke=0.8)
    c.setFont(FONT_NAME, 11)
    c.setFillColor(white)
    c.drawCentredString(WIDTH / 2, band_top - 80, "芝罘区新冠肺炎疫情防控 · 企业复工复产")

    # Number
    y = band_top - band_h - 30
    c.setFillColor(DARK)
    c.setFont(FONT_NAME, 14)
    c.drawRightString(WIDTH - margin - 28, y, d.number)

    # Enterprise name, large
    y -= 44
    left = margin + 30
    inner = WIDTH - 2 * left
    name_size = 26
    while pdfmetrics.stringWidth(d.enterprise_name, FONT_NAME, name_size) > inner and name_size > 16:
        name_size -= 1
    name_lines = wrap(d.enterprise_name, inner, name_size)
    for line in name_lines:
        _bold_text(c, WIDTH / 2, y, line, name_size, DARK, centred=True, stroke=0.5)
        y -= name_size + 8
    y -= 6
    c.setStrokeColor(RED)
    c.setLineWidth(1)
    c.line(left, y + 8, WIDTH - left, y + 8)
    y -= 22

    # Field table
    label_w = 150
    size = 14
    rows = [
        ("统一社会信用代码", d.credit_code),
        ("经营地址", d.address),
        ("所属街道/园区", d.jurisdiction),
        ("防疫负责人", d.prevention_contact or "—"),
        ("防疫负责人电话", d.prevention_mobile or "—"),
        ("核准返岗人数", f"{d.headcount} 人"),
        ("准许复工日期", d.approved_on),
    ]
    for label, value in rows:
        c.setFont(FONT_NAME, size)
        c.setFillColor(GREY)
        c.drawString(left, y, label)
        c.setFillColor(DARK)
        lines = wrap(value, inner - label_w, size)
        for i, line in enumerate(lines):
            c.drawString(left + label_w, y - i * (size + 6), line)
        y -= len(lines) * (size + 6) + 12
        c.setStrokeColor(HexColor("#E5C9CA"))
        c.setLineWidth(0.5)
        c.line(left, y + size - 2, WIDTH - left, y + size - 2)

    # Statement
    y -= 8
    statement = (
        "经审核，该单位符合复工复产疫情防控条件，准予复工。请严格落实测温登记、日检查日消毒、"
        "员工健康管理等防控措施，本公示牌须张贴于经营场所醒目位置，接受社会监督。"
    )
    c.setFont(FONT_NAME, 12)
    c.setFillColor(DARK)
    for line in wrap(statement, inner, 12):
        c.drawString(left, y, line)
        y -= 19

    # Bottom block: QR (left), issuing unit, date and the seal space (right)
    qr_size = 150
    qr_x, qr_y = left - 6, margin + 92
    draw_qr(c, d.verify_url, qr_x, qr_y, qr_size, d.qr_matrix)
    c.setFont(FONT_NAME, 11)
    c.setFillColor(DARK)
    c.drawCentredString(qr_x + qr_size / 2, qr_y - 14, "微信/手机扫码核验真伪与状态")
    c.setFont(FONT_NAME, 13)
    c.drawCentredString(qr_x + qr_size / 2, qr_y - 32, f"核验码：{d.code}")

    right_x = WIDTH - left
    seal_r = 56
    seal_cx, seal_cy = right_x - 90, qr_y + qr_size - 54
    c.setStrokeColor(HexColor("#999999"))
    c.setLineWidth(0.8)
    c.setDash(4, 3)
    c.circle(seal_cx, seal_cy, seal_r, stroke=1, fill=0)
    c.setDash()
    c.setFont(FONT_NAME, 12)
    c.setFillColor(HexColor("#999999"))
    c.drawCentredString(seal_cx, seal_cy - 4, "盖章处")
    c.setFillColor(DARK)
    c.setFont(FONT_NAME, 14)
    c.drawRightString(right_x, seal_cy - seal_r - 24, f"发证单位：{d.issuing_unit}")
    c.drawRightString(right_x, seal_cy - seal_r - 46, d.approved_on)

    # Footer: supervision hotline and the street's phone
    c.setStrokeColor(RED)
    c.setLineWidth(1)
    c.line(margin + 6, margin + 48, WIDTH - margin - 6, margin + 48)
    c.setFont(FONT_NAME, 13)
    c.setFillColor(RED)
    phone = f"　　{d.issuing_unit}电话：{d.street_phone}" if d.street_phone else ""
    c.drawCentredString(WIDTH / 2, margin + 24, f"监督举报电话：{d.hotline}{phone}")


def new_canvas(target, title: str = TITLE) -> Canvas:
    ensure_font()
    c = Canvas(target, pagesize=A4, pageCompression=1, invariant=1, initialFontName=FONT_NAME)
    c.setTitle(title)
    c.setAuthor("芝罘区企业复工复产审批系统")
    return c


def render_pdf(data: PlacardData) -> bytes:
    buffer = io.BytesIO()
    c = new_canvas(buffer, title=f"{TITLE} {data.number}")
    draw_placard(c, data)
    c.showPage()
    c.save()
    return buffer.getvalue()


def render_many(
    pages: Iterable[PlacardData], target, on_page: Callable[[int], None] | None = None, title: str = TITLE
) -> int:
    """Draw every placard as one page of a single PDF written to ``target`` (path or binary file)."""
    c = new_canvas(target, title=title)
    count = 0
    for data in pages:
        draw_placard(c, data)
        c.showPage()
        count += 1
        if on_page is not None:
            on_page(count)
    if count == 0:
        c.setFont(FONT_NAME, 14)
        c.drawString(72, HEIGHT - 72, "没有需要打印的公示牌。")
        c.showPage()
    c.save()
    return count
