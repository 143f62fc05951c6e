"""Guessing a citizen's SMS login code, and making the hub send codes, as a stranger.

A real hub on 127.0.0.1 sends its messages to a real SMS gateway (an HTTP server on
127.0.0.1 that records them), so each test reads the codes the citizen would get.
"""

from __future__ import annotations

import re
import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.hub.conftest import Hub, hub_settings, start_hub, stop_hub
from tests.hub.sms_gateway import Gateway

PHONE = "13700000000"
UNKNOWN = "13911112222"


@pytest.fixture
def gateway(sms_gateway: Gateway) -> Gateway:
    return sms_gateway


def _start(tmp_path: Path, catalog: Any, gateway_url: str, **overrides: Any) -> Hub:
    settings = hub_settings(
        f"sqlite:///{tmp_path}/hub.sqlite3", sms_gateway_url=gateway_url, **overrides
    )
    return start_hub(settings, catalog)


def _book(hub: Hub, phone: str = PHONE) -> None:
    """The citizen books an appointment with her number: the number is known now."""
    hub.booth("b1")
    r = hub.post(
        None,
        "/api/v1/appointments",
        {
            "service": "hpf-withdrawal-purchase",
            "booth_id": "b1",
            "slot_at": "2099-03-01T09:30:00+08:00",
            "phone": phone,
        },
    )
    assert r.status_code == 201, r.text


def _code_sent(hub: Hub, gateway: Gateway, phone: str = PHONE) -> str:
    """Ask for a code for ``phone`` and read it at the gateway."""
    before = len(gateway.posts)
    r = hub.post(None, "/api/v1/citizen/code", {"phone": phone})
    assert r.status_code == 202, r.text
    post = gateway.wait(before + 1)[before]
    assert post["to"] == phone and post["template"] == "login_code"
    return re.search(r"\d{6}", post["text"]).group(0)  # type: ignore[union-attr]


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def _login(hub: Hub, code: str, phone: str = PHONE) -> httpx.Response:
    return hub.post(None, "/api/v1/citizen/login", {"phone": phone, "code": code})


def test_guessing_is_bounded_across_resends_even_for_the_right_code(
    sms_hub: Hub, gateway: Gateway
) -> None:
    _book(sms_hub)
    max_guesses = sms_hub.state.settings.sms_max_guesses
    code = ""
    for guess in range(max_guesses):
        if guess < 3:  # a fresh code between wrong guesses must not reset the count
            code = _code_sent(sms_hub, gateway)
        wrong = _login(sms_hub, _wrong(code))
        assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "bad_code"
    right = _login(sms_hub, code)
    assert right.status_code == 429, right.text
    assert right.json()["error"]["code"] == "too_many_requests"
    assert int(right.headers["Retry-After"]) > 0
    assert "citizen_token" not in right.text
    # Asking for another code while locked sends nothing (and answers as always).
    sent = len(gateway.posts)
    assert sms_hub.post(None, "/api/v1/citizen/code", {"phone": PHONE}).status_code == 202
    assert _login(sms_hub, code).status_code == 429
    assert len(gateway.posts) == sent


def test_the_bound_survives_a_restart_of_the_hub(
    tmp_path: Path, catalog: Any, gateway: Gateway
) -> None:
    hub = _start(tmp_path, catalog, gateway.url)
    try:
        _book(hub)
        code = _code_sent(hub, gateway)
        for _ in range(hub.state.settings.sms_max_guesses - 1):
            assert _login(hub, _wrong(code)).status_code == 401
    finally:
        stop_hub(hub)
    hub = _start(tmp_path, catalog, gateway.url)  # the same database, a new process state
    try:
        assert _login(hub, _wrong(code)).status_code == 401  # the last one allowed
        assert _login(hub, code).status_code == 429
    finally:
        stop_hub(hub)


def test_a_right_code_within_the_bound_logs_in(sms_hub: Hub, gateway: Gateway) -> None:
    """The control: the bound does not lock out a citizen who mistyped once."""
    _book(sms_hub)
    code = _code_sent(sms_hub, gateway)
    assert _login(sms_hub, _wrong(code)).status_code == 401
    ok = _login(sms_hub, code)
    assert ok.status_code == 200 and ok.json()["citizen_token"].startswith("ct.")
    assert _login(sms_hub, code).status_code == 401  # a code is used once


def test_codes_are_rate_limited_per_phone(sms_hub: Hub, gateway: Gateway) -> None:
    _book(sms_hub)  # the booking's confirmation is one message to the number already
    per_phone = sms_hub.state.settings.sms_per_phone
    answers = [
        sms_hub.post(None, "/api/v1/citizen/code", {"phone": PHONE}) for _ in range(per_phone)
    ]
    assert [a.status_code for a in answers[: per_phone - 1]] == [202] * (per_phone - 1)
    refused = answers[-1]
    assert refused.status_code == 429, refused.text
    assert refused.json()["error"]["code"] == "too_many_requests"
    assert int(refused.headers["Retry-After"]) > 0
    # The booking and per_phone - 1 codes went out (in the background); the refused one not.
    assert len(gateway.wait(per_phone)) == per_phone


def test_codes_and_bookings_are_rate_limited_per_address(sms_hub: Hub) -> None:
    per_address = sms_hub.state.settings.sms_per_address
    statuses = [
        sms_hub.post(None, "/api/v1/citizen/code", {"phone": f"1380000{n:04d}"}).status_code
        for n in range(per_address + 1)
    ]
    assert statuses == [202] * per_address + [429]
    sms_hub.booth("b1")
    booking = sms_hub.post(
        None,
        "/api/v1/appointments",
        {
            "service": "hpf-withdrawal-purchase",
            "booth_id": "b1",
            "slot_at": "2099-03-01T09:30:00+08:00",
            "phone": "13800009999",
        },
    )
    assert booking.status_code == 429 and "Retry-After" in booking.headers


class SlowGateway:
    """An SMS gateway that takes ``delay_s`` to answer (a real one over the Internet)."""

    def __init__(self, delay_s: float) -> None:
        self.posts = 0
        self.received = threading.Condition()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(delay_s)  # the gateway's latency, which is what is measured
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
                with gateway.received:
                    gateway.posts += 1
                    gateway.received.notify_all()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def wait(self, count: int) -> None:
        with self.received:
            assert self.received.wait_for(lambda: self.posts >= count, 10.0)


def test_answers_do_not_tell_whether_a_number_is_known(tmp_path: Path, catalog: Any) -> None:
    gateway = SlowGateway(delay_s=0.3)
    gateway.thread.start()
    hub = _start(tmp_path, catalog, gateway.url, sms_per_phone=100, sms_per_address=1000)
    try:
        _book(hub)
        known = hub.post(None, "/api/v1/citizen/code", {"phone": PHONE})
        unknown = hub.post(None, "/api/v1/citizen/code", {"phone": UNKNOWN})
        assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
        bad_known, bad_unknown = _login(hub, "000000"), _login(hub, "000000", UNKNOWN)
        assert (bad_known.status_code, bad_known.json()) == (
            bad_unknown.status_code,
            bad_unknown.json(),
        )
        # Timing: interleaved so both see the same load on the machine; each message is
        # out of the hub before the next request, so one does not slow down the next.
        gateway.wait(2)  # the booking and the first code
        times: dict[str, list[float]] = {PHONE: [], UNKNOWN: []}
        for sample in range(8):
            for phone in (PHONE, UNKNOWN):
                started = time.perf_counter()
                r = hub.post(None, "/api/v1/citizen/code", {"phone": phone})
                times[phone].append(time.perf_counter() - started)
                assert r.status_code == 202
                if phone == PHONE:
                    gateway.wait(3 + sample)
        known_s, unknown_s = statistics.median(times[PHONE]), statistics.median(times[UNKNOWN])
        print(f"code request median: known {known_s:.4f} s, unknown {unknown_s:.4f} s")
        # The gateway's 300 ms must not show in the answer to a known number.
        assert known_s < 0.15 and known_s < 3 * unknown_s + 0.02
        # The guess bound holds for unknown numbers too, so a lockout tells nothing.
        for _ in range(hub.state.settings.sms_max_guesses - 1):  # one was tried above
            assert _login(hub, "000001", UNKNOWN).status_code == 401
        assert _login(hub, "000001", UNKNOWN).status_code == 429
    finally:
        stop_hub(hub)
        gateway.server.shutdown()
        gateway.server.server_close()
