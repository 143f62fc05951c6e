"""Pages served to browsers: the clerk console, the citizen page and certificate checks."""

from __future__ import annotations

import hmac
import html
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

from kiosk.hub.casework import iso
from kiosk.hub.deps import Hub
from kiosk.hub.models import Certificate

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


@router.get("/verify/{certificate_id}")
def verify(certificate_id: str, hub: Hub) -> HTMLResponse:
    """Whether a certificate is genuine: issued here, untampered and not revoked."""
    with hub.sessions() as db:
        cert = db.get(Certificate, certificate_id[:64])
        genuine = (
            cert is not None
            and not cert.revoked
            and hmac.compare_digest(
                cert.signature, hub.links.sign(f"{cert.id}|{cert.case_id}|{cert.title}")
            )
        )
    if cert is None or not genuine:
        body = (
            '<h1 class="bad">✗ 未找到该证明 / Not a genuine certificate</h1>'
            "<p>此编号不是本系统出具的有效证明。This number was not issued by this hub.</p>"
        )
        status = 404
    else:
        body = (
            '<h1 class="ok">✓ 证明真实有效 / Genuine certificate</h1>'
            f"<p>{html.escape(cert.title)}</p><p>编号 No. {html.escape(cert.id)}</p>"
            f"<p>出具时间 Issued {html.escape(iso(cert.issued_at) or '')}</p>"
        )
        status = 200
    page = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        # A file, not a <style> block: the Content-Security-Policy allows no inline style.
        '<title>证明核验 Verify</title><link rel="stylesheet" href="/static/verify.css">'
        "</head><body>"
        f"{body}</body></html>"
    )
    return HTMLResponse(page, status_code=status)
