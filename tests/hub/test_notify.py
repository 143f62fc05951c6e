"""Notifications: the inbox by default, and the SMS gateway adapter (JSON POST, retries)
against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.core.clock import SystemClock
from kiosk.hub.notify import Message, SmsGatewayNotifier
from kiosk.hub.server import HubServer
from tests.hub.conftest import Hub, hub_settings
from tests.hub.sms_gateway import Gateway, running_gateway


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    with running_gateway(failures=2) as g:
        yield g


class NullInbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def notify(self, message: Message) -> None:
        self.messages.append(message)


def test_sms_adapter_posts_json_and_retries_after_failures(gateway: Gateway) -> None:
    inbox = NullInbox()
    notifier = SmsGatewayNotifier(inbox, gateway.url, SystemClock(), retries=3, backoff_s=0.01)
    message = Message(
        citizen_ref="r1",
        kind="certificate_issued",
        text="清税证明 已出具",
        link="http://hub/m/",
        phone="13800138000",
    )
    asyncio.run(notifier.notify(message))
    posts = gateway.wait(3)
    assert len(posts) == 3  # two 503s, then delivered
    assert posts[-1] == {
        "id": posts[-1]["id"],
        "to": "13800138000",
        "template": "certificate_issued",
        "text": "清税证明 已出具",
        "link": "http://hub/m/",
    }
    assert len({p["id"] for p in posts}) == 1  # the same message id on every retry
    assert gateway.headers[-1]["Idempotency-Key"] == posts[-1]["id"]
    assert inbox.messages == [message]


def test_sms_adapter_gives_up_after_its_retries(gateway: Gateway) -> None:
    gateway.failures = 100
    notifier = SmsGatewayNotifier(
        NullInbox(), gateway.url, SystemClock(), retries=1, backoff_s=0.01
    )
    delivered = asyncio.run(notifier.send_sms(Message("r", "case_done", "x", phone="139")))
    assert delivered is False and len(gateway.posts) == 2


def test_hub_sends_sms_through_the_configured_gateway(
    gateway: Gateway, tmp_path: Path, catalog: Any
) -> None:
    gateway.failures = 0
    settings = hub_settings(f"sqlite:///{tmp_path}/hub.sqlite3", sms_gateway_url=gateway.url)
    with HubServer(settings, catalog=catalog) as server:
        hub = Hub(server)
        try:
            _sms_through_the_hub(hub, gateway)
        finally:
            hub.close()


def _sms_through_the_hub(hub: Hub, gateway: Gateway) -> None:
    hub.booth("b1")
    r = hub.post(
        None,
        "/api/v1/appointments",
        {
            "service": "hpf-withdrawal-purchase",
            "booth_id": "b1",
            "slot_at": "2099-03-01T09:30:00+08:00",
            "phone": "13700000000",
        },
    )
    assert r.status_code == 201
    post = gateway.wait(1)[0]
    assert post["to"] == "13700000000" and post["template"] == "appointment_booked"
    token = r.json()["citizen_token"]
    inbox = hub.get(token, "/api/v1/citizen/overview").json()["inbox"]
    assert [n["kind"] for n in inbox] == ["appointment_booked"]
    # An SMS login code reaches the phone, and logs the citizen in.
    assert hub.post(None, "/api/v1/citizen/code", {"phone": "13700000000"}).status_code == 202
    code = re.search(r"\d{6}", gateway.wait(2)[1]["text"]).group(0)  # type: ignore[union-attr]
    login = hub.post(None, "/api/v1/citizen/login", {"phone": "13700000000", "code": code})
    assert login.status_code == 200
    again = hub.get(login.json()["citizen_token"], "/api/v1/citizen/overview").json()
    assert again["appointments"][0]["id"] == r.json()["appointment"]["id"]
    wrong = hub.post(None, "/api/v1/citizen/login", {"phone": "13700000000", "code": "000000"})
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "bad_code"
