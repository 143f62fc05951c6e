"""The booth learns the rules' decision on its self-service review from the real hub.

Story B's case goes to a real hub (127.0.0.1) through the booth's outbox: the case, two
materials, the form, the booth's own steps, then the review report. The hub's answer,
read by :class:`~kiosk.backend.review_decision.DecisionWait`, becomes the workflow's
events: approved with the receipt, referred with the rules' reasons, or, while the hub
is away, "deferred" at once and the decision once it is back.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.backend.backoff import Backoff
from kiosk.backend.client import HubClient, HubResponse
from kiosk.backend.keystore import FileKeyStore
from kiosk.backend.outbox import CASE_PLACEHOLDER, Outbox, OutboxStatus
from kiosk.backend.review_decision import DecisionWait, decision_events
from kiosk.core.clock import CHINA_TZ, FakeClock, SystemClock
from kiosk.flows.messages import (
    CertificateIssued,
    ReviewDeferred,
    ReviewReferred,
    ReviewRejected,
    RulesApproved,
)
from tests.backend.real_hub import RealHub

pytestmark = pytest.mark.slow  # a real hub starts for each test
SERVICE = "hpf-withdrawal-purchase"
REVIEW = 4  # the position of the fund centre's rules review in the catalog
WAIT = 20.0


def story_b_form(today: dt.date | None = None, **changes: str) -> dict[str, str]:
    """Story B's form as the citizen confirms it (the contract signed 40 days before)."""
    today = today or dt.datetime.now(CHINA_TZ).date()
    return {
        "applicant_name": "王小明",
        "id_number": "11010519491231002X",
        "phone": "13800138000",
        "property_address": "厦门市思明区湖滨南路88号",
        "purchase_price": "1200000.00",
        "contract_date": (today - dt.timedelta(days=40)).isoformat(),
        "amount": "50000.00",
        "bank_account": "6222021234567894",
        "bank_name": "中国工商银行",
        **changes,
    }


class Booth:
    """The booth's outbox delivering to the real hub, as the service runner uses it."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    def submit(self, form: dict[str, str]) -> str:
        """Story B's writes up to the review report; the report's idempotency key."""
        put = self.outbox.enqueue
        put("c1", "POST", "/cases", {"service": SERVICE, "citizen": {}}, opens_case=True)
        for code in ("id_card", "purchase_contract"):
            put("c1", "POST", f"/cases/{CASE_PLACEHOLDER}/materials", {"code": code})
        put("c1", "PUT", f"/cases/{CASE_PLACEHOLDER}/form", {"fields": form})
        for step in range(REVIEW):  # identify, questions, capture, form
            put("c1", "POST", f"/cases/{CASE_PLACEHOLDER}/steps/{step}/complete", {})
        report = put("c1", "POST", f"/cases/{CASE_PLACEHOLDER}/steps/{REVIEW}/complete", {})
        return report.idempotency_key


@pytest.fixture
async def booth(real_hub: RealHub, tmp_path: Path) -> AsyncIterator[Booth]:
    token = real_hub.booth_token("b1")
    keys = FileKeyStore(tmp_path / "keys")
    outbox = Outbox(tmp_path / "booth", keys, SystemClock(), backoff=Backoff(0.2, 0.5))
    async with HubClient(real_hub.url, token, timeout_s=5) as client:
        outbox.start(client)
        try:
            yield Booth(outbox)
        finally:
            await outbox.stop()
            outbox.close()


def wait_for(booth: Booth, key: str, wait_s: float = WAIT) -> DecisionWait:
    return DecisionWait(booth.outbox, key, REVIEW, "hpf", clock=SystemClock(), wait_s=wait_s)


async def test_approved_with_the_receipt(booth: Booth) -> None:
    decision = wait_for(booth, booth.submit(story_b_form()))
    events = await asyncio.wait_for(decision.first(), WAIT)
    assert events[0] == RulesApproved("hpf")
    (receipt,) = events[1:]
    assert isinstance(receipt, CertificateIssued) and receipt.department == "hpf"
    assert len(receipt.reference) == 32  # the certificate's number on the hub


async def test_referred_with_the_rules_reasons(booth: Booth) -> None:
    form = story_b_form(amount="1300000", bank_account="6222021234567890")
    decision = wait_for(booth, booth.submit(form))
    events = await asyncio.wait_for(decision.first(), WAIT)
    assert events == [
        ReviewReferred(
            "hpf", ("field_check:bank_account", "over_limit:amount", "over_limit:amount")
        )
    ]


async def test_the_hub_away_defers_at_once_and_the_decision_follows(
    real_hub: RealHub, booth: Booth
) -> None:
    await real_hub.astop()
    decision = wait_for(booth, booth.submit(story_b_form()), wait_s=3600)
    first = await asyncio.wait_for(decision.first(), WAIT)  # not an hour: the hub is away
    assert first == [ReviewDeferred("hpf")]
    await real_hub.astart()
    final = await asyncio.wait_for(decision.final(), WAIT)
    assert final[0] == RulesApproved("hpf") and isinstance(final[1], CertificateIssued)


class SilentOutbox:
    """An outbox that never delivers and never hears the hub is away (a slow network)."""

    status = OutboxStatus()

    def add_listener(self, listener: Any) -> Any:
        return lambda: None

    async def delivered(self, idempotency_key: str) -> HubResponse:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


async def test_no_answer_within_the_wait_defers() -> None:
    clock = FakeClock()
    decision = DecisionWait(SilentOutbox(), "k", REVIEW, "hpf", clock=clock, wait_s=20.0)
    first = asyncio.ensure_future(decision.first())
    for _ in range(100):  # until the wait is parked on the clock
        if clock.sleepers:
            break
        await asyncio.sleep(0)
    clock.advance(19.0)
    await asyncio.sleep(0)
    assert not first.done()  # a slow network: still waiting
    clock.advance(1.0)
    assert await asyncio.wait_for(first, 5) == [ReviewDeferred("hpf")]
    decision.cancel()


def test_the_answer_is_read_from_the_step_not_only_the_first_answers_review_part() -> None:
    replayed = {"steps": [{"position": REVIEW, "status": "referred"}], "certificates": []}
    assert decision_events(replayed, REVIEW, "hpf") == [ReviewReferred("hpf", ())]
    refused = {"steps": [{"position": REVIEW, "status": "rejected"}]}
    assert decision_events(refused, REVIEW, "hpf") == [
        ReviewRejected("hpf", "rejected", final=True)
    ]
    assert decision_events({"steps": [{"position": REVIEW, "status": "pending"}]}, 4, "hpf") == []
    assert decision_events(None, REVIEW, "hpf") == []
