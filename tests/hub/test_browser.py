"""A whole case through the clerk console and the citizen page in Debian's Chromium,
against a real hub on 127.0.0.1 and a booth that answers calls with aiortc.

Appointment on the phone -> scan-to-open reaches the booth's WebSocket -> the booth asks
for a clerk -> a general clerk accepts and sees the booth's two videos -> invites the tax
department -> the tax clerk verifies a material and issues a certificate -> the phone
shows it and its PDF renders -> the citizen rates the service and each clerk.
"""

from __future__ import annotations

import base64
import io
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select

from kiosk.hub.ice import IceServers
from kiosk.hub.models import Clerk, Rating
from kiosk.hub.server import HubServer
from tests.hub.booth_peer import BoothPeer
from tests.hub.conftest import PASSWORD, Hub, hub_settings, login
from tests.hub.steps import TAX_CLEARANCE, reach_step

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CONSOLE_ICE = IceServers(turn_urls=("turn:127.0.0.1:9?transport=tcp",), turn_secret="s")
ARTIFACTS = Path(__file__).resolve().parents[2] / "build" / "test-artifacts" / "hub"


@pytest.fixture
def live(tmp_path: Path, catalog: Any) -> Iterator[Hub]:
    # A TURN server the console must use; over TCP to a closed port it fails at once, so
    # candidate gathering does not wait (tests/hub/test_ice.py allocates on a real coturn).
    settings = hub_settings(f"sqlite:///{tmp_path}/hub.sqlite3", ice=CONSOLE_ICE)
    server = HubServer(settings, catalog=catalog).start()
    h = Hub(server)
    try:
        yield h
    finally:
        h.close()
        server.stop()


def until(condition: Any, timeout: float = 20.0, what: str = "condition") -> Any:
    """Poll an observable condition (a browser's state) until it holds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.1)


def licence_png() -> str:
    image = Image.new("RGB", (160, 100), (250, 250, 240))
    for x in range(20, 140):
        image.putpixel((x, 50), (180, 0, 0))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode()


def test_a_whole_case_through_console_and_citizen_page(live: Hub, browser: Any) -> None:
    url = live.url
    booth_token = live.booth("b1")
    booth = BoothPeer(live.server.ws_url, booth_token).start()
    try:
        live.clerk("gen", "general")
        live.clerk("tax1", "tax")
        _run_case(live, browser, booth, url, booth_token)
    finally:
        booth.stop()


def _run_case(live: Hub, browser: Any, booth: BoothPeer, url: str, booth_token: str) -> None:
    # 1. The citizen books on her phone.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    citizen = phone.new_page()
    citizen.goto(url + "/m")
    citizen.wait_for_function(
        "() => document.querySelectorAll('#book-form select[name=booth_id] option').length > 0"
    )
    citizen.select_option("#book-form select[name=service]", "enterprise-deregistration")
    citizen.select_option("#book-form select[name=booth_id]", "b1")
    citizen.fill("#book-form input[name=name]", "王丽")
    citizen.fill("#book-form input[name=phone]", "13912345678")
    citizen.click("#book-form button[type=submit]")
    citizen.wait_for_selector("#appointments li")

    # 2. At the booth she scans the door code: the door opens through the booth socket.
    citizen.goto(booth.door_link(url + "/m/"))  # the QR code on the booth's screen
    citizen.wait_for_function("() => document.querySelector('#door-appointment').value !== ''")
    citizen.click("#open-door")
    citizen.wait_for_function(
        "() => document.querySelector('#door-result').textContent.includes('门已打开')"
    )
    booth.wait_command("open_door")
    start = booth.wait_command("start_session")
    case_id = start["data"]["case_id"]
    assert case_id and start["data"]["service"] == "enterprise-deregistration"

    # The booth captures the business licence and asks for a clerk.
    r = live.post(
        booth_token,
        f"/api/v1/cases/{case_id}/materials",
        {
            "code": "business_license",
            "doc_type": "business_license",
            "image_base64": licence_png(),
            "image_type": "image/png",
            "ocr_fields": {"name": "晓屋科技有限公司", "uscc": "91350100M000100Y43"},
        },
    )
    assert r.status_code == 201, r.text
    assert booth.event("call_request", {"department": "general", "case_id": case_id})["ok"]

    # 3. A general clerk accepts and sees the booth's face and document cameras.
    desk = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    general = desk.new_page()
    login(general, url, "gen")
    assert general.text_content("#queue-panel h2") == "排队"
    general.click("#lang")  # English is available
    assert general.text_content("#queue-panel h2") == "Queue"
    assert general.text_content("#queue li button.accept") == "Accept"
    general.click("#lang")
    general.click("#queue li[data-kind=booth] button.accept")
    general.wait_for_selector("#case-panel:not([hidden])")
    general.wait_for_function(
        "() => document.querySelector('#face').videoWidth > 0 && "
        "document.querySelector('#doc').videoWidth > 0",
        timeout=30000,
    )
    sizes = general.evaluate(
        "[document.querySelector('#face').videoWidth, document.querySelector('#doc').videoWidth]"
    )
    assert sizes == [320, 320]
    audio = general.evaluate("!!document.querySelector('#booth-audio').srcObject")
    assert audio
    # The console's peer connection uses the hub's TURN server with the clerk's credentials.
    servers = general.evaluate("[...window.xw.pcs.values()][0].getConfiguration().iceServers")
    assert [s["urls"] for s in servers] == [list(CONSOLE_ICE.turn_urls)], servers
    with live.state.sessions() as db:
        gen_id = db.scalar(select(Clerk.id).where(Clerk.username == "gen"))
    assert servers[0]["username"].endswith(f":clerk-{gen_id}"), servers
    # Face camera is blue, document camera is white: the two videos are not swapped.
    colours = general.evaluate("""() => ['#face', '#doc'].map((sel) => {
        const v = document.querySelector(sel); const c = document.createElement('canvas');
        c.width = v.videoWidth; c.height = v.videoHeight; const g = c.getContext('2d');
        g.drawImage(v, 0, 0);
        return Array.from(g.getImageData(10, 10, 1, 1).data.slice(0, 3)); })""")
    assert colours[0][2] > 150 and colours[0][0] < 80, colours
    assert min(colours[1]) > 180, colours
    general.screenshot(path=str(_artifact("console-general.png")))

    # 4. She invites the tax department; a tax clerk takes the invitation and sees the case.
    general.select_option("#invite-dept", "tax")
    general.click("#invite")
    tax_desk = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    tax = tax_desk.new_page()
    login(tax, url, "tax1")
    tax.click("#queue li[data-kind=invite] button.accept")
    tax.wait_for_selector("#case-panel:not([hidden])")
    until(lambda: len(booth.peers) == 2, what="the booth to answer the tax clerk too")

    # 5. The tax clerk checks the licence against the original: trust level C -> B.
    tax.wait_for_selector("#materials li.material img")
    assert tax.text_content("#materials li.material b") == "营业执照正本"  # its name, not code
    tax.fill("#materials li.material input.against", "营业执照原件（柜格 3）")
    tax.click("#materials li.material button.verify")
    tax.wait_for_selector("#materials .trust-B")

    # 6. The shared form: the tax clerk types, the general clerk sees it, the booth gets it.
    tax.fill("#case-form input[name]", "晓屋科技有限公司")
    tax.dispatch_event("#case-form input[name]", "change")
    key = tax.get_attribute("#case-form input[name]", "name")
    until(
        lambda: general.input_value(f"#case-form input[name='{key}']") == "晓屋科技有限公司",
        what="the form field to appear on the other console",
    )
    booth.wait_command("push", kind="form_field", key=key)

    # The tax clerk asks the booth to open a locker slot for the originals.
    tax.click("#open-slot")
    slot = booth.wait_command("push", kind="open_slot")
    assert slot["data"]["case_id"] == case_id and slot["data"]["department"] == "tax"

    # 7. The booth's steps and the tax review done (as in story A), the tax clerk chooses her
    # department's certificate, confirms it, and the hub issues it.
    tax_token = live.http.post(
        "/api/v1/auth/login", json={"username": "tax1", "password": PASSWORD}
    ).json()["token"]
    reach_step(live, case_id, TAX_CLEARANCE, booth=booth_token, clerk=tax_token)
    tax.wait_for_function(
        "() => [...document.querySelectorAll('#cert-choice option')]"
        ".some((o) => o.textContent.startsWith('清税证明') && !o.disabled)"
    )
    tax.click("#issue")
    assert "清税证明" in tax.text_content("#cert-confirm-facts")
    tax.click("#cert-confirm-ok")
    tax.wait_for_selector("#certificates li a")
    booth.wait_command("push", kind="certificate")
    tax.screenshot(path=str(_artifact("console-tax.png")))

    # 8. The phone shows the certificate; its PDF renders.
    citizen.goto(url + "/m")
    link = citizen.wait_for_selector("a.certificate", timeout=20000)
    assert link.text_content() == "清税证明"
    href = str(link.get_attribute("href"))
    token = citizen.evaluate("() => localStorage.getItem('xw.citizen')")
    # Tapping it asks the hub for a one-time link and opens that (no token in any URL).
    with citizen.expect_response(lambda r: "/api/v1/downloads/" in r.url) as opened:
        link.click()
    assert opened.value.ok and opened.value.headers["content-type"] == "application/pdf"
    assert "token" not in opened.value.url
    assert citizen.request.get(opened.value.url).status == 404  # used once, gone
    pdf = citizen.request.get(url + href, headers={"Authorization": f"Bearer {token}"})
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    pdf_path = _artifact("certificate.pdf")
    pdf_path.write_bytes(pdf.body())
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-singlefile",
            str(pdf_path),
            str(pdf_path.with_suffix("")),
        ],
        check=True,
        timeout=60,
    )
    assert pdf_path.with_suffix(".png").stat().st_size > 10_000

    # 9. 好差评: the service item and each clerk, five levels each.
    citizen.goto(url + "/m")  # back from the PDF
    citizen.wait_for_selector(f"[data-case='{case_id}'] .rating select")
    selects = citizen.query_selector_all(f"[data-case='{case_id}'] .rating select")
    assert len(selects) == 3  # the service, the general clerk, the tax clerk
    citizen.select_option(f"[data-case='{case_id}'] .rating select[data-target=service]", "5")
    citizen.select_option(
        f"[data-case='{case_id}'] .rating select[data-target=clerk] >> nth=0", "4"
    )
    citizen.click(f"[data-case='{case_id}'] button.rate")
    citizen.wait_for_selector(f"[data-case='{case_id}'] .rated")
    citizen.screenshot(path=str(_artifact("citizen.png")), full_page=True)
    with live.state.sessions() as db:
        ratings = {
            (r.target, r.level) for r in db.scalars(select(Rating).where(Rating.case_id == case_id))
        }
    assert ("service", 5) in ratings and ("clerk", 4) in ratings and len(ratings) >= 2

    # 10. The general clerk ends the call; the booth hears bye.
    general.click("#end-call")
    booth.wait_command("signal", kind="bye")


def _artifact(name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name
