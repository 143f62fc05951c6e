"""The service adapters of the composition root on their own (no hub, no window).

The document camera is fed the generated desk: nothing is captured while the desk is
empty; a placed document is captured once it has been still, its corrected page kept in
the vault; the shutter button captures without waiting. The UI screen adapter turns the
workflow's form into the confirm screen's view with OCR's failed checks marked.
"""

from __future__ import annotations

import asyncio
from typing import Any

import cv2
import numpy as np

from kiosk.booth.service import BoothDocumentCamera, BoothOcr, UiScreen
from kiosk.core.catalog import load_catalog
from kiosk.core.clock import SystemClock
from kiosk.demo.desk import GeneratedDesk
from kiosk.flows.messages import ShowForm
from kiosk.ocr.documents import Reading


class Recorder:
    """Stands in for the UI bridge: records what was shown."""

    def __init__(self) -> None:
        self.captures: list[Any] = []
        self.previews = 0
        self.forms: list[Any] = []
        self.captions: list[str] = []

    def show_capture(self, view: Any) -> None:
        self.captures.append(view)

    def show_capture_preview(self, image: Any) -> None:
        self.previews += 1

    def show_form(self, view: Any) -> None:
        self.forms.append(view)

    def show_caption(self, text: str) -> None:
        self.captions.append(text)


def _asked(service: Any, values: Any) -> list[tuple[str, str]]:
    """What the workflow fills from a reading: only the keys the service's form asks."""
    asked = {f.key for f in service.form}
    return [(key, value) for key, value in values.items() if key in asked]


class DictVault(dict[str, bytes]):
    def put(self, name: str, data: bytes) -> None:
        self[name] = data

    def get(self, name: str) -> bytes:  # type: ignore[override]
        return self[name]


async def test_the_camera_waits_for_a_document_and_captures_it_when_still() -> None:
    desk = GeneratedDesk(SystemClock(), fps=60)
    vault = DictVault()
    bridge = Recorder()
    camera = BoothDocumentCamera(desk, vault, bridge, lambda code: None, preview=lambda f: f)
    capture = asyncio.ensure_future(camera.capture("purchase_contract"))
    for _ in range(5):  # an empty desk: no frames, nothing captured
        await asyncio.sleep(0)
    assert not capture.done() and not vault and [v.state for v in bridge.captures] == ["place"]
    await desk.place("purchase_contract", seed=5)
    document = await asyncio.wait_for(capture, 60)
    assert list(vault) == [document.image_ref]
    page = cv2.imdecode(np.frombuffer(vault[document.image_ref], np.uint8), cv2.IMREAD_COLOR)
    assert page.shape[0] > page.shape[1] > 800  # the corrected A4 page of the full still
    states = [v.state for v in bridge.captures]
    assert states[0] == "place" and "hold_still" in states and states[-1] == "reading"
    assert bridge.previews > 0


async def test_the_shutter_captures_at_once() -> None:
    desk = GeneratedDesk(SystemClock(), fps=5)
    await desk.place("id_card", seed=3)
    vault = DictVault()
    camera = BoothDocumentCamera(desk, vault, Recorder(), lambda code: None)
    camera.shoot()  # before the first frame: the first frame is taken
    document = await asyncio.wait_for(camera.capture("id_card"), 60)
    assert document.image_ref in vault


def test_the_confirm_view_marks_failed_checks_of_what_was_read() -> None:
    service = load_catalog().service("hpf-withdrawal-purchase")
    ocr = BoothOcr(service=None, vault=DictVault())
    ocr.readings["contract.jpg"] = Reading(
        "purchase_contract",
        {"buyer": "王五", "buyer_id_number": "", "total_price": "3760000"},
        {"total_price": 0.9},
        {"total_price": False},
    )
    bridge = Recorder()
    screen = UiScreen(bridge, service, ocr.flags, on_step=lambda: None)
    values = (("purchase_price", "3760000"), ("amount", "50000.00"), ("id_number", ""))
    screen.show(ShowForm(values, problems=(("id_number", "required"),)))
    fields = {f.key: f for f in bridge.forms[-1].fields}
    assert fields["purchase_price"].problem == "ocr_check"
    assert fields["amount"].problem == ""
    assert fields["id_number"].problem == "required" and fields["id_number"].kind == "id_number"
    # once the citizen typed another price, OCR's doubt no longer applies
    screen.show(ShowForm((("purchase_price", "3700000"),)))
    assert bridge.forms[-1].fields[0].problem == ""


def test_a_review_the_rules_decide_shows_checking_a_clerks_review_the_call() -> None:
    from kiosk.core.step_owners import decided_by_rules
    from kiosk.flows.messages import ShowScreen

    catalog = load_catalog()
    shown: list[Any] = []
    calls: list[bool] = []

    class Bridge(Recorder):
        def show_done(self, view: Any) -> None:
            shown.append(view)

    purchase = catalog.service("hpf-withdrawal-purchase")
    screen = UiScreen(
        Bridge(), purchase, lambda values: {}, lambda: None, lambda: calls.append(True) or True
    )
    review = next(i for i, s in enumerate(purchase.steps) if s.kind == "review")
    assert decided_by_rules(purchase, review) and not decided_by_rules(purchase, review - 1)
    screen.show(ShowScreen("review", review, "hpf"))
    assert [v.shown_state for v in shown] == ["checking"] and calls == []
    dereg = catalog.service("enterprise-deregistration")
    tax_review = next(i for i, s in enumerate(dereg.steps) if s.kind == "review")
    assert not decided_by_rules(dereg, tax_review)  # a clerk decides, in the call
    UiScreen(
        Bridge(), dereg, lambda values: {}, lambda: None, lambda: calls.append(True) or True
    ).show(ShowScreen("review", tax_review, "tax"))
    assert calls == [True] and len(shown) == 1


def _eval_corpus() -> Any:
    """bench/data/ocr_eval/generate.py: photos made by a generator the extractor was not
    tuned on (its eval split is for measuring only)."""
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "bench" / "data" / "ocr_eval" / "generate.py"
    spec = importlib.util.spec_from_file_location("ocr_eval_generate", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


async def test_an_eval_corpus_contract_under_the_camera_fills_the_confirm_screen() -> None:
    # a photo of a contract no one here generated: the camera takes it (no refusal), and
    # the confirm screen gets the price, the property's address and the signing date
    from kiosk.ocr.engine import OcrService
    from kiosk.ocr.engines import make_engine

    corpus = _eval_corpus()
    photo = next(corpus.photos("eval", 1, "legible", ("purchase_contract",)))
    image = cv2.imdecode(np.frombuffer(photo.jpeg, np.uint8), cv2.IMREAD_COLOR)
    desk = GeneratedDesk(SystemClock(), fps=60)
    vault = DictVault()
    bridge = Recorder()
    camera = BoothDocumentCamera(desk, vault, bridge, lambda code: None)
    capture = asyncio.ensure_future(camera.capture("purchase_contract"))
    await desk.place_photo(image, photo.truth)
    document = await asyncio.wait_for(capture, 60)
    assert "rejected" not in [v.state for v in bridge.captures]
    service = OcrService(make_engine("hybrid"), timeout_s=120)
    try:
        ocr = BoothOcr(service=service, vault=vault)
        values = await ocr.read(document.image_ref, "purchase_contract")
    finally:
        service.close()
    service_ = load_catalog().service("hpf-withdrawal-purchase")
    screen = UiScreen(bridge, service_, ocr.flags, on_step=lambda: None)
    screen.show(ShowForm(tuple(_asked(service_, values))))
    shown = {f.key: f.value for f in bridge.forms[-1].fields}
    assert shown["property_address"] == photo.truth["property_address"]
    assert shown["contract_date"] == photo.truth["signed_date"]
    assert shown["purchase_price"].removesuffix(".00") == photo.truth["total_price"]


class _ReadingService:
    """Stands in for the OCR thread: every page reads as the given Reading."""

    def __init__(self, reading: Reading) -> None:
        self._reading = reading

    async def run(self, work: Any) -> Reading:
        return self._reading


async def test_a_contracts_price_fills_every_form_that_asks_for_it() -> None:
    # the transfer registration's form asks 成交价格 (price), the withdrawal's 购房总价
    # (purchase_price): the one price on the contract fills both, and a failed check flags both
    reading = Reading("purchase_contract",
                      {"total_price": "3760000", "property_address": "广州市天河区华夏路10号"},
                      {"total_price": 0.9}, {"total_price": False})
    vault = DictVault()
    _, jpeg = cv2.imencode(".jpg", np.full((8, 8, 3), 255, np.uint8))
    vault.put("contract.jpg", jpeg.tobytes())
    ocr = BoothOcr(service=_ReadingService(reading), vault=vault)
    values = await ocr.read("contract.jpg", "purchase_contract")
    assert values["price"] == values["purchase_price"] == "3760000"
    assert values["property_address"] == "广州市天河区华夏路10号"
    bridge = Recorder()
    transfer = load_catalog().service("realestate-transfer-registration")
    screen = UiScreen(bridge, transfer, ocr.flags, on_step=lambda: None)
    screen.show(ShowForm(tuple(_asked(transfer, values))))
    fields = {f.key: f for f in bridge.forms[-1].fields}
    assert fields["price"].value == "3760000" and fields["price"].problem == "ocr_check"
