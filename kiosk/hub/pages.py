"""Pages served to browsers: the clerk console, the citizen page and certificate checks."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

from kiosk.hub.api_certificates import status_of
from kiosk.hub.deps import Hub
from kiosk.hub.local_time import local_view, zone_of
from kiosk.hub.models import Certificate
from kiosk.hub.state import HubState

# The pages' files (HTML, JS, CSS, i18n); every route that serves one reads it from here.
STATIC = Path(__file__).resolve().parent / "static"
router = APIRouter(include_in_schema=False)


@router.get("/")
def root() -> RedirectResponse:
    return RedirectResponse("/console")


@router.get("/console")
def console() -> FileResponse:
    return FileResponse(STATIC / "console.html")


@router.get("/m")
@router.get("/m/")
@router.get("/m/door/{booth_id}")
def citizen_page(booth_id: str | None = None) -> FileResponse:
    """One page for the phone; it reads the booth id from its own address."""
    return FileResponse(STATIC / "citizen.html")


def _district_time(iso_text: str | None, zone: ZoneInfo) -> str:
    """An API timestamp as whoever holds the paper reads it: the district's wall clock to
    the minute, with its zone ("2026-12-05 18:33 北京时间 Beijing time (UTC+08:00)")."""
    if not iso_text:
        return ""
    shown = local_view(dt.datetime.fromisoformat(iso_text), zone)
    named = "北京时间 Beijing time" if shown["time_zone"] == "Asia/Shanghai" else shown["time_zone"]
    return f"{shown['local']} {named} (UTC{shown['utc_offset']})"


@router.get("/verify/{certificate_id}")
def verify(certificate_id: str, hub: Hub) -> HTMLResponse:
    """Whether a certificate is genuine (issued here, its signed facts untampered) and not
    revoked, with what it asserts: the holder masked, service, department, issue date.
    Whoever holds the paper compares these with it; the PDF itself can be checked byte for
    byte at ``POST /api/v1/certificates/<id>/check`` (kiosk.hub.api_certificates)."""
    with hub.sessions() as db:
        cert = db.get(Certificate, certificate_id[:64])
        status = status_of(hub, cert) if cert is not None else None
        department = _department_name(hub, cert.department) if cert is not None else ""
    esc = html.escape
    zone = zone_of(hub.settings.time_zone)
    if status is None or not status["genuine"]:
        body = (
            '<h1 class="bad">✗ 未找到该证明 / Not a genuine certificate</h1>'
            "<p>此编号不是本系统出具的有效证明。This number was not issued by this hub.</p>"
        )
        code = 404
    else:
        if status["revoked"]:
            revoked_at = _district_time(status["revoked_at"], zone)
            body = (
                '<h1 class="bad">✗ 证明已撤销 / Certificate revoked</h1>'
                f'<p class="bad">撤销时间 Revoked {esc(revoked_at)}<br>'
                f"原因 Reason: {esc(status['revoked_reason'])}</p>"
            )
            code = 410
        else:
            body = '<h1 class="ok">✓ 证明真实有效 / Genuine certificate</h1>'
            code = 200
        rows = (
            ("证明 Certificate", status["title"]),
            ("编号 No.", status["id"]),
            ("持证人 Holder", status["holder"] or "—"),
            ("证件号码 ID number", status["holder_id"] or "—"),
            ("事项 Service", status["service"] or "—"),
            ("办理部门 Department", department),
            ("出具时间 Issued", _district_time(status["issued_at"], zone)),
        )
        body += "<dl>" + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows) + "</dl>"
        body += "<p>请核对纸质证明上的信息与本页一致。Check that the paper says the same.</p>"
    page = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        # A file, not a <style> block: the Content-Security-Policy allows no inline style.
        '<title>证明核验 Verify</title><link rel="stylesheet" href="/static/verify.css">'
        "</head><body>"
        f"{body}</body></html>"
    )
    return HTMLResponse(page, status_code=code)


def _department_name(hub: HubState, code: str) -> str:
    departments = hub.catalog.catalog.departments
    return next((f"{d.name.zh_CN} {code}" for d in departments if d.code == code), code)
