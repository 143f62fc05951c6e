"""Threat: a clerk issues a wrong certificate: another department's, one twice, one whose
step is not reached, or a title typed freely; a clerk who is not the issuing department's
supervisor revokes one.

Controls: ``POST /api/v1/cases/{id}/certificates`` issues only the caller's department's
certificate steps of the service, once each, after the steps before them
(kiosk.hub.certificate_choice); revocation by a supervisor of the issuing department
(kiosk.hub.api_certificates). Each attack below was answered 201 before the control.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
from pathlib import Path
from typing import Any

from tests.hub.conftest import Hub, image_bytes
from tests.hub.steps import DEREGISTRATION_NOTICE, TAX_CLEARANCE, reach_step

ID_NUMBER = "44010619900101123X"
MASKED_ID = "4401**********123X"


def _case(hub: Hub) -> tuple[str, dict[str, Any]]:
    booth = hub.booth("cert-choice-booth")
    r = hub.post(booth, "/api/v1/cases", {"service": "enterprise-deregistration"})
    assert r.status_code == 201, r.text
    return booth, r.json()


def _issue(hub: Hub, token: str, case_id: str, body: dict[str, Any]) -> Any:
    return hub.post(token, f"/api/v1/cases/{case_id}/certificates", body)


def _code(r: Any) -> str:
    return str(r.json()["error"]["code"])


def test_a_clerk_issues_only_her_departments_certificates(hub: Hub) -> None:
    _booth, case = _case(hub)
    tax = hub.clerk("tax1", "tax")
    reach_step(hub, case["id"], DEREGISTRATION_NOTICE)  # every step reached
    # the market regulator's notice, under the tax bureau: by title, by step, by department
    r = _issue(hub, tax, case["id"], {"title": "准予注销登记通知书"})
    assert r.status_code == 403 and _code(r) == "other_department", r.text
    r = _issue(hub, tax, case["id"], {"step": DEREGISTRATION_NOTICE})
    assert r.status_code == 403 and _code(r) == "other_department", r.text
    r = _issue(hub, tax, case["id"], {"department": "market"})
    assert r.status_code == 403 and _code(r) == "other_department", r.text
    # a title the service does not have
    r = _issue(hub, tax, case["id"], {"title": "无犯罪记录证明"})
    assert r.status_code == 422 and _code(r) == "unknown_certificate", r.text
    # a department with no certificate in this service
    social = hub.clerk("soc1", "social")
    r = _issue(hub, social, case["id"], {})
    assert r.status_code == 409 and _code(r) == "no_certificate_for_department", r.text
    assert hub.get(tax, f"/api/v1/cases/{case['id']}").json()["certificates"] == []
    # her own: by its English title too, under its own name (not the service's notice)
    r = _issue(hub, tax, case["id"], {"title": "Tax clearance certificate"})
    assert r.status_code == 201, r.text
    assert (r.json()["title"], r.json()["department"]) == ("清税证明", "tax")


def test_a_certificate_is_issued_once(hub: Hub) -> None:
    _booth, case = _case(hub)
    tax = hub.clerk("tax1", "tax")
    reach_step(hub, case["id"], TAX_CLEARANCE)
    first = _issue(hub, tax, case["id"], {})
    assert first.status_code == 201, first.text
    for body in ({}, {"title": "清税证明"}, {"step": TAX_CLEARANCE}):
        r = _issue(hub, tax, case["id"], body)
        assert r.status_code == 409 and _code(r) == "certificate_already_issued", (body, r.text)
    assert len(hub.get(tax, f"/api/v1/cases/{case['id']}").json()["certificates"]) == 1
    # revoked, it may be issued again (a corrected one)
    supervisor = hub.clerk("tax-sup", "tax", ("clerk", "supervisor"))
    revoke = f"/api/v1/certificates/{first.json()['id']}/revoke"
    assert hub.post(supervisor, revoke, {"reason": "名称有误"}).status_code == 200
    again = _issue(hub, tax, case["id"], {})
    assert again.status_code == 201, again.text
    assert again.json()["id"] != first.json()["id"]


def test_a_certificate_waits_for_its_step(hub: Hub) -> None:
    _booth, case = _case(hub)
    tax = hub.clerk("tax1", "tax")
    market = hub.clerk("mkt1", "market")
    r = _issue(hub, tax, case["id"], {"title": "清税证明"})  # nothing done yet
    assert r.status_code == 409 and _code(r) == "step_not_reached", r.text
    reach_step(hub, case["id"], TAX_CLEARANCE - 1)  # all but the tax review
    r = _issue(hub, tax, case["id"], {})
    assert r.status_code == 409 and _code(r) == "step_not_reached", r.text
    reach_step(hub, case["id"], TAX_CLEARANCE)
    assert _issue(hub, tax, case["id"], {}).status_code == 201
    # the market's notice waits for the market's review
    r = _issue(hub, market, case["id"], {})
    assert r.status_code == 409 and _code(r) == "step_not_reached", r.text
    assert len(hub.get(tax, f"/api/v1/cases/{case['id']}").json()["certificates"]) == 1


def test_the_choices_are_the_callers_departments_and_only_clerks_see_them(hub: Hub) -> None:
    booth, case = _case(hub)
    fields = {"applicant_name": "张三", "id_number": ID_NUMBER}
    assert hub.put(booth, f"/api/v1/cases/{case['id']}/form", {"fields": fields}).status_code == 200
    tax = hub.clerk("tax1", "tax")
    path = f"/api/v1/cases/{case['id']}/certificate-choices"
    r = hub.get(tax, path)
    assert r.status_code == 200, r.text
    body = r.json()
    assert [(c["title"]["zh_CN"], c["department"]) for c in body["choices"]] == [
        ("清税证明", "tax")
    ]
    assert body["choices"][0]["reached"] is False and body["choices"][0]["issued"] is False
    assert body["applicant"]["name"] == "张*" and body["applicant"]["id_number"] == MASKED_ID
    assert ID_NUMBER not in r.text and "张三" not in r.text
    market = hub.get(hub.clerk("mkt1", "market"), path).json()
    assert [c["title"]["zh_CN"] for c in market["choices"]] == ["准予注销登记通知书"]
    # a clerk of a department not in the case, the booth, the citizen, no one
    for token in (hub.clerk("hpf1", "hpf"), booth, case["citizen_token"], None):
        assert hub.get(token, path).status_code in (401, 403, 404), token


def test_the_pdf_shows_the_id_number_read_from_the_photographed_card(
    hub: Hub, tmp_path: Path
) -> None:
    """A citizen who did not use the card reader: her ID number is the captured card's."""
    booth, case = _case(hub)
    card = {
        "code": "legal_rep_id_card",
        "doc_type": "id_card",
        "image_base64": base64.b64encode(image_bytes()).decode(),
        "image_type": "image/png",
        "ocr_fields": {"name": "张三", "id_number": ID_NUMBER},
    }
    assert hub.post(booth, f"/api/v1/cases/{case['id']}/materials", card).status_code == 201
    tax = hub.clerk("tax1", "tax")
    reach_step(hub, case["id"], TAX_CLEARANCE)
    cert = _issue(hub, tax, case["id"], {}).json()
    page = hub.http.get(f"/verify/{cert['id']}")
    assert MASKED_ID in page.text and ID_NUMBER not in page.text
    if shutil.which("pdftotext"):
        pdf = tmp_path / "cert.pdf"
        pdf.write_bytes(hub.get(case["citizen_token"], cert["pdf_url"]).content)
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert MASKED_ID in text and ID_NUMBER not in text and "—" not in text


def test_only_the_issuing_departments_supervisor_revokes_in_the_console_api(hub: Hub) -> None:
    _booth, case = _case(hub)
    tax = hub.clerk("tax1", "tax")
    reach_step(hub, case["id"], TAX_CLEARANCE)
    cert = _issue(hub, tax, case["id"], {}).json()
    revoke = f"/api/v1/certificates/{cert['id']}/revoke"
    for token in (tax, hub.clerk("mkt-sup", "market", ("clerk", "supervisor"))):
        r = hub.post(token, revoke, {"reason": "x"})
        assert r.status_code == 403 and _code(r) == "supervisors_of_department_only"
    assert hub.post(tax, revoke, {"reason": "x" * 301}).status_code == 422
