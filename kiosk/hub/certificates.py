"""Certificates as PDF: CJK text, the citizen's ID number masked, a verification URL and
its QR code.

reportlab embeds only TrueType outlines, and Noto CJK (``fonts-noto-cjk``) has PostScript
(CFF) outlines, so the embedded font is WenQuanYi Zen Hei (Debian ``fonts-wqy-zenhei``) or
Droid Sans Fallback; without either, the PDF names Adobe's STSong-Light CID font, which
viewers substitute with an installed CJK font (not embedded). The signature is a MAC over the
certificate's id, case and title with the hub's secret; ``/verify/<id>`` recomputes it.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT_NAME = "XiaowuCJK"
FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
)
CID_FALLBACK = "STSong-Light"


def _register_font() -> str:
    registered = pdfmetrics.getRegisteredFontNames()
    if FONT_NAME in registered:
        return FONT_NAME
    for path in FONT_CANDIDATES:
        if path.exists():
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
            return FONT_NAME
    if CID_FALLBACK not in registered:
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
    return CID_FALLBACK


@dataclass(frozen=True, slots=True)
class CertificateContent:
    certificate_id: str
    title: str
    department_name: str
    service_name: str
    case_id: str
    citizen_name: str
    citizen_id_masked: str
    issued_at: dt.datetime
    clerk_name: str
    verify_url: str
    lines: tuple[tuple[str, str], ...] = ()  # extra (label, value) rows from the form


def render_pdf(content: CertificateContent) -> bytes:
    font = _register_font()
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.setTitle(content.title)
    width, height = A4
    pdf.setFont(font, 26)
    pdf.drawCentredString(width / 2, height - 40 * mm, content.title)
    pdf.setFont(font, 12)
    pdf.drawCentredString(width / 2, height - 50 * mm, f"编号 No. {content.certificate_id}")
    rows = [
        ("事项 Service", content.service_name),
        ("办理部门 Department", content.department_name),
        ("申请人 Applicant", content.citizen_name or "—"),
        ("证件号码 ID number", content.citizen_id_masked or "—"),
        ("案件编号 Case", content.case_id),
        *content.lines,
        ("经办人 Clerk", content.clerk_name),
        ("出具时间 Issued", content.issued_at.strftime("%Y-%m-%d %H:%M")),
    ]
    y = height - 70 * mm
    for label, value in rows:
        pdf.setFont(font, 12)
        pdf.drawString(25 * mm, y, label)
        pdf.setFont(font, 13)
        pdf.drawString(80 * mm, y, str(value)[:60])
        y -= 10 * mm
    pdf.setFont(font, 11)
    pdf.drawString(25 * mm, y - 5 * mm, "经核查，上述事项已办结，特此证明。")
    qr = segno.make(content.verify_url, error="m")
    png = io.BytesIO()
    qr.save(png, kind="png", scale=6, border=2)
    png.seek(0)
    size = 40 * mm
    pdf.drawImage(ImageReader(png), width - 25 * mm - size, 30 * mm, size, size)
    pdf.setFont(font, 9)
    pdf.drawString(25 * mm, 40 * mm, "扫码或访问以下地址核验真伪 Scan or visit to verify:")
    pdf.drawString(25 * mm, 34 * mm, content.verify_url)
    pdf.showPage()
    pdf.save()
    return out.getvalue()
