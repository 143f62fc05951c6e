"""Threat: a forged certificate verifies, or a revoked one still does.

Controls: the hub signs every fact a certificate asserts (masked holder and ID number,
service, department, issue time, the PDF's hash; kiosk.hub.issuing), shows them on the
public verification page (kiosk.hub.pages.verify), checks a PDF byte for byte
(``POST /api/v1/certificates/{id}/check``) and lets a supervisor of the issuing
department revoke it (kiosk.hub.api_certificates).
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kiosk.hub.certificates import CertificateContent, render_pdf
from kiosk.hub.models import Certificate
from tests.hub.conftest import Hub
from tests.hub.steps import TAX_CLEARANCE, reach_step

ID_NUMBER = "44010619900101123X"
MASKED_ID = "4401**********123X"


def _issue(hub: Hub) -> tuple[dict[str, Any], dict[str, Any], str]:
    """A walk-in's case (name and ID number read into the form), a tax certificate."""
    booth = hub.booth("b1")
    r = hub.post(booth, "/api/v1/cases", {"service": "enterprise-deregistration"})
    assert r.status_code == 201, r.text
    case = r.json()
    fields = {"applicant_name": "张三", "id_number": ID_NUMBER}
    r = hub.put(booth, f"/api/v1/cases/{case['id']}/form", {"fields": fields})
    assert r.status_code == 200, r.text
    tax = hub.clerk("tax1", "tax")
    reach_step(hub, case["id"], TAX_CLEARANCE)
    r = hub.post(tax, f"/api/v1/cases/{case['id']}/certificates", {"title": "清税证明"})
    assert r.status_code == 201, r.text
    return case, r.json(), tax


def _pdf_text(pdf: bytes, tmp_path: Any) -> str:
    path = tmp_path / "cert.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return out.stdout


def test_the_page_shows_the_masked_holder_and_every_fact_is_signed(hub: Hub, tmp_path: Any) -> None:
    case, cert, _tax = _issue(hub)
    page = hub.http.get(f"/verify/{cert['id']}")
    assert page.status_code == 200 and "真实有效" in page.text
    for shown in ("张*", MASKED_ID, "清税证明", "企业", "tax"):
        assert shown in page.text, shown
    assert "张三" not in page.text and ID_NUMBER not in page.text
    # Issued on the district's clock (Asia/Shanghai), to the minute.
    issued = dt.datetime.fromisoformat(cert["issued_at"]).astimezone(ZoneInfo("Asia/Shanghai"))
    assert f"{issued:%Y-%m-%d %H:%M} 北京时间" in page.text

    # the PDF names the holder's masked ID number (it said "—" when the card was read
    # into the form rather than given when the case was opened)
    if shutil.which("pdftotext"):
        pdf = hub.get(case["citizen_token"], cert["pdf_url"]).content
        text = _pdf_text(pdf, tmp_path)
        assert MASKED_ID in text and ID_NUMBER not in text

    # any signed fact changed in the database: no longer genuine
    for column, value in (
        ("holder_name", "李*"),
        ("holder_id", "1101**********002X"),
        ("service_name", "别的事项"),
        ("department", "market"),
        ("issued_at", dt.datetime(2020, 1, 1, tzinfo=dt.UTC)),
        ("title", "无犯罪记录证明"),
    ):
        with hub.state.db() as db:
            row = db.get(Certificate, cert["id"])
            assert row is not None
            original = getattr(row, column)
            setattr(row, column, value)
        page = hub.http.get(f"/verify/{cert['id']}")
        assert page.status_code == 404 and "Not a genuine" in page.text, column
        with hub.state.db() as db:
            row = db.get(Certificate, cert["id"])
            assert row is not None
            setattr(row, column, original)
    assert hub.http.get(f"/verify/{cert['id']}").status_code == 200


def test_a_pdf_with_another_holder_is_not_genuine(hub: Hub) -> None:
    case, cert, _tax = _issue(hub)
    genuine_pdf = hub.get(case["citizen_token"], cert["pdf_url"]).content
    check = f"/api/v1/certificates/{cert['id']}/check"
    headers = {"Content-Type": "application/pdf"}
    r = hub.http.post(check, content=genuine_pdf, headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["genuine"] is True and r.json()["holder"] == "张*"

    # the forger re-draws the genuine certificate (same number, same QR code) with her
    # own name and ID number
    forged = render_pdf(
        CertificateContent(
            certificate_id=cert["id"],
            title=cert["title"],
            department_name="税务局",
            service_name="企业注销",
            case_id=case["id"],
            citizen_name="李四",
            citizen_id_masked="1101**********002X",
            issued_at=dt.datetime.fromisoformat(cert["issued_at"]),
            clerk_name="tax1 同志",
            verify_url=cert["verify_url"],
        )
    )
    r = hub.http.post(check, content=forged, headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["genuine"] is False and r.json()["pdf_matches"] is False
    # one byte changed in the genuine file: not genuine either
    edited = genuine_pdf.replace(b"/Title", b"/Titlf", 1)
    assert edited != genuine_pdf
    assert hub.http.post(check, content=edited, headers=headers).json()["genuine"] is False
    r = hub.http.post(check, content=b"x" * (5 * 1024 * 1024), headers=headers)
    assert r.status_code == 413


def test_only_a_supervisor_of_the_issuing_department_revokes(hub: Hub) -> None:
    case, cert, tax = _issue(hub)
    revoke = f"/api/v1/certificates/{cert['id']}/revoke"
    body = {"reason": "材料造假"}
    others = (
        tax,  # the clerk who issued it
        hub.clerk("mkt-sup", "market", ("clerk", "supervisor")),
        hub.clerk("admin", "tax", ("admin", "clerk")),
        case["citizen_token"],
        hub.booth("b2"),
        None,
    )
    for token in others:
        r = hub.post(token, revoke, body)
        assert r.status_code in (401, 403), r.text
    assert hub.http.get(f"/verify/{cert['id']}").status_code == 200

    supervisor = hub.clerk("tax-sup", "tax", ("clerk", "supervisor"))
    assert hub.post(supervisor, revoke, {"reason": ""}).status_code == 422
    r = hub.post(supervisor, revoke, body)
    assert r.status_code == 200, r.text
    assert r.json()["revoked"] is True
    assert hub.post(supervisor, revoke, body).json()["error"]["code"] == "already_revoked"

    page = hub.http.get(f"/verify/{cert['id']}")
    assert page.status_code == 410 and "已撤销" in page.text and "材料造假" in page.text
    citizen = case["citizen_token"]
    overview = hub.get(citizen, "/api/v1/citizen/overview").json()
    assert any(n["kind"] == "certificate_revoked" for n in overview["inbox"])
    (mine,) = [c for c in overview["cases"] if c["id"] == case["id"]]
    assert mine["certificates"][0]["revoked"] is True
    pdf = hub.get(citizen, cert["pdf_url"]).content
    r = hub.http.post(
        f"/api/v1/certificates/{cert['id']}/check",
        content=pdf,
        headers={"Content-Type": "application/pdf"},
    )
    assert r.json()["revoked"] is True and r.json()["revoked_reason"] == "材料造假"


@pytest.mark.parametrize("name", ["", "张", "张三", "欧阳娜娜"])
def test_names_are_masked_to_their_first_character(name: str) -> None:
    from kiosk.hub.issuing import mask_name

    masked = mask_name(name)
    assert len(masked) == len(name) and masked[:1] == name[:1]
    assert set(masked[1:]) <= {"*"}
