"""Recovery end to end: a booth SIGKILLed at a citizen's confirm screen, started again.

The booth runs as a real process (tests/e2e/booth_resume_child.py: the composition root,
headless, against a real hub); its door relay board is an emulator on a pty in this
process, so the board and its inputs outlive the booth as a real one would. The booth's
presence sensors are wired to the board's inputs: the door contact (input 0) and the
occupancy sensor (input 1).

- She is still in the booth (occupancy set, door shut): the restarted booth resumes her
  session at the step it was in, with the fields as read, tells her it is back, and her
  item goes on to the end in the same case on the hub, with nothing written twice.
- The booth is empty (occupancy clear): the session is closed safely: the case stays on the
  hub, her phone is told how to continue (the citizen page shows it, in Chromium), and the
  booth keeps nothing of her.
"""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from kiosk.devices.door.emulator import RelayModel
from kiosk.devices.door.protocol import ReadInputs
from kiosk.hub.models import Case, CaseEvent, MaterialRecord
from tests.e2e.harness import ThreadRig, run_child

WAIT_S = 240.0  # a whole booth process, OCR included, on a busy machine
DOOR_CONTACT, OCCUPANCY = 0, 1


class RelayRig(ThreadRig):
    """The emulated door relay board on a pty, served by a loop in a thread of this process."""

    def __init__(self) -> None:
        super().__init__(RelayModel(address=1, inputs=4), "relay")

    def citizen(self, inside: bool) -> None:
        """She is in the booth with the door shut, or the booth is empty."""
        self.call(lambda: self.model.set_input(DOOR_CONTACT, True))
        self.call(lambda: self.model.set_input(OCCUPANCY, inside))

    def reads(self) -> int:
        return int(self.call(lambda: sum(isinstance(r, ReadInputs) for r in self.model.requests)))


@pytest.fixture
def relay() -> Iterator[RelayRig]:
    rig = RelayRig()
    yield rig
    rig.close()


def run_booth(state: Path, hub: Any, token: str, port: str, phase: str) -> tuple[int, list[str]]:
    return run_child(
        "tests.e2e.booth_resume_child", str(state), hub.url, token, port, phase, timeout=WAIT_S
    )


def said(lines: list[str], word: str) -> str:
    found = [
        line.split(" ", 1)[1] if " " in line else "" for line in lines if line.split()[:1] == [word]
    ]
    assert found, f"the booth never said {word!r}: {lines}"
    return found[-1]


def hub_case(hub: Any, booth_id: str) -> tuple[list[Any], list[str], int, list[int]]:
    """The booth's cases, the history of the one case, its materials, its steps done."""
    with hub.state.db() as db:
        cases = list(db.scalars(select(Case).where(Case.booth_id == booth_id)))
        if not cases:
            return [], [], 0, []
        events = list(db.scalars(select(CaseEvent).where(CaseEvent.case_id == cases[0].id)))
        materials = list(
            db.scalars(select(MaterialRecord).where(MaterialRecord.case_id == cases[0].id))
        )
        steps = [int(e.detail["position"]) for e in events if e.what == "step_done"]
        return [(c.id, c.status) for c in cases], [e.what for e in events], len(materials), steps


def begin(
    state: Path, hub: Any, token: str, relay: RelayRig, phase: str = "begin"
) -> dict[str, Any]:
    """Her session up to the confirm screen (or just past it), then SIGKILL."""
    relay.citizen(inside=True)
    code, lines = run_booth(state, hub, token, relay.port, phase)
    assert code == -signal.SIGKILL, (code, lines)
    assert any((state / "sessions").iterdir()), "her session was on the booth when it died"
    return {
        "session": said(lines, "session"),
        "case": said(lines, "case"),
        "token": said(lines, "token"),
        "step": said(lines, "step"),
        "values": json.loads(said(lines, "values")),
        "lines": lines,
    }


@pytest.mark.slow
def test_a_citizen_still_in_the_booth_continues_where_she_was(
    hub: Any, relay: RelayRig, tmp_path: Path
) -> None:
    token = str(hub.register_booth("xiaowu-resume"))
    state = tmp_path / "booth"
    before = begin(state, hub, token, relay)
    assert before["step"].endswith(" confirm")
    cases, history, materials, steps = hub_case(hub, "xiaowu-resume")
    assert cases == [(before["case"], "open")] and steps == [0]  # identified, on the hub

    relay.citizen(inside=True)  # she waited in the booth while it restarted
    reads = relay.reads()
    code, lines = run_booth(state, hub, token, relay.port, "restart")
    assert code == 0, lines
    assert relay.reads() > reads  # the booth asked the board, over the wire
    decision, _ = said(lines, "recovered").split()
    assert decision == "resume"
    assert said(lines, "session") == before["session"]  # the same session
    assert said(lines, "step") == before["step"]  # at the step it was in
    assert json.loads(said(lines, "values")) == before["values"]  # with what was read
    assert said(lines, "caption") == "我们回来了，从您刚才办理的地方继续。"
    said(lines, "done")
    assert said(lines, "case") == before["case"]  # the same case
    said(lines, "drained")
    assert said(lines, "sessions-left") == "0"  # she left: her data is wiped

    cases, history, materials, steps = hub_case(hub, "xiaowu-resume")
    # One case: identified (0), form (1) and rating (4) done by the booth, each reported
    # once; the review (2) went to the department's clerk (this item has no rules).
    assert cases == [(before["case"], "open")], history
    assert sorted(steps) == [0, 1, 4], (history, steps)
    assert history.count("rules_referred") == 1
    assert materials == 1 and history.count("material_added") == 1  # her ID card, once
    assert history.count("rated") == 1
    assert "session_interrupted" not in history  # she was never told it was interrupted
    print(f"booth resume: session resumed at step {before['step']}, history {history}")


@pytest.mark.slow
def test_a_citizen_resumed_while_the_rules_decide_gets_the_decision_once(
    hub: Any, relay: RelayRig, tmp_path: Path
) -> None:
    token = str(hub.register_booth("xiaowu-review"))
    state = tmp_path / "booth"
    before = begin(state, hub, token, relay, "begin-review")
    review, screen, pending = said(before["lines"], "review").split()
    assert screen == "done" and int(pending) >= 2  # "checking"; form and report unsent
    _, history, materials, steps = hub_case(hub, "xiaowu-review")
    assert steps == [0] and materials == 0  # her submission never left the booth

    relay.citizen(inside=True)
    code, lines = run_booth(state, hub, token, relay.port, "restart")
    assert code == 0, lines
    assert said(lines, "recovered").split()[0] == "resume"
    assert said(lines, "resumed-at") == f"{review} review"  # back at the decision
    assert said(lines, "caption") == "我们回来了，从您刚才办理的地方继续。"
    said(lines, "done")
    said(lines, "drained")
    assert said(lines, "sessions-left") == "0"
    cases, history, materials, steps = hub_case(hub, "xiaowu-review")
    assert cases == [(before["case"], "open")], history
    assert history.count("rules_referred") == 1  # decided once, from the resumed report
    assert sorted(steps) == [0, 1, 4], (history, steps)
    assert materials == 1 and history.count("rated") == 1


@pytest.mark.slow
def test_an_empty_booth_closes_the_session_safely_and_tells_her_phone(
    hub: Any, relay: RelayRig, tmp_path: Path
) -> None:
    token = str(hub.register_booth("xiaowu-close"))
    state = tmp_path / "booth"
    before = begin(state, hub, token, relay)

    relay.citizen(inside=False)  # she left while it restarted
    code, lines = run_booth(state, hub, token, relay.port, "restart")
    assert code == 0, lines
    decision, _ = said(lines, "recovered").split()
    assert decision == "close"
    said(lines, "drained")
    assert said(lines, "sessions-left") == "0"  # the booth's copy is wiped
    assert not [line for line in lines if line.startswith("done")]

    cases, history, _, _ = hub_case(hub, "xiaowu-close")
    assert cases == [(before["case"], "open")]  # the case stays on the hub
    assert history.count("session_ended") == 1 and history.count("session_interrupted") == 1
    reply = httpx.get(
        f"{hub.url}/api/v1/citizen/overview",
        headers={"Authorization": f"Bearer {before['token']}"},
        timeout=30,
    )
    inbox = [n for n in reply.json()["inbox"] if n["kind"] == "session_interrupted"]
    assert len(inbox) == 1 and "扫码" in inbox[0]["text"]
    asyncio.run(told_on_the_citizen_page(hub.url, before["token"], tmp_path))


async def told_on_the_citizen_page(url: str, token: str, folder: Path) -> None:
    """Her phone: the citizen page in Debian's Chromium shows how to continue."""
    from tests.call.browser import chromium

    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
        await page.goto(f"{url}/m/#t={token}")
        notice = page.locator("#inbox li.session_interrupted")
        await notice.wait_for(timeout=60_000)
        assert "因设备重启而中断" in (await notice.inner_text())
        await notice.scroll_into_view_if_needed()
        await page.screenshot(path=str(folder / "phone-interrupted.png"))
        await page.close()
