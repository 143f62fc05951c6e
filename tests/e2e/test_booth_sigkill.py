"""Fault tests: the booth killed with SIGKILL right after story A's locker deposit.

Within story A (test_booth_killed_after_story_a_deposit_ends_like_a_clean_run): the
booth runs as a process of its own (tests/e2e/story_child.py: a StoryBooth, the demo
booth with emulated devices and its UI offscreen), driven over a pipe by the story A
script (tests/e2e/story_a_script.py) in this process, which also runs the real hub, her
phone and the four clerks in Chromium. She is served up to the locker; the moment the
booth's outbox has saved the deposit, the booth process is SIGKILLed. Started again on
the same state, the booth closes her session safely (no presence sensor to say she is
still there), delivers the pending deposit once, tells the hub the session ended, and
keeps nothing of her. The market clerk then checks the originals and issues the
deregistration notice; her phone tells her how to go on, and she rates there. The hub
must hold the case a clean run leaves (StoryA.expected_case, the expectation
tests/e2e/test_story_a.py checks on a clean run) with no write stored twice.

Driving the locker port directly (test_booth_killed_after_the_locker_deposit_...):

The booth runs as a real process of its own (tests/e2e/booth_child.py: the composition
root, headless, against a real hub), the locker board is an emulator on a pty in this
process, so the locker outlives the booth as a real one would. The booth opens the
enterprise-deregistration case, gives it a slot, sees the door open and close with the
originals inside, saves the deposit in its outbox, and is killed before sending it.

Started again on the same state, the booth closes the interrupted session safely (the
reference booth has no presence sensor, so it cannot tell the citizen is still there),
the outbox delivers the deposit exactly once, the hub hears that the session ended, the
locker never gives that slot to anyone else, and the booth keeps none of her data.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from kiosk.config import DevicesConfig
from kiosk.devices.locker.emulator import LockerModel
from kiosk.devices.locker.profiles import resolve_profile
from kiosk.hub.models import CaseEvent, IdempotentResponse, LockerDeposit
from tests.call.browser import chromium
from tests.e2e.harness import ThreadRig, run_child
from tests.e2e.story_a_script import CITIZEN, ID_NUMBER, StoryA, case_summary, keys_stored_twice
from tests.e2e.story_booth import RemoteBooth, left_on_disk

WAIT_S = 180.0  # a whole booth process start on a busy machine


class LockerRig(ThreadRig):
    """The emulated lock board on a pty, served by a loop in a thread of this process."""

    def __init__(self) -> None:
        devices = DevicesConfig()
        super().__init__(
            LockerModel(resolve_profile(devices.locker.profile or "kerong-cu16")), "locker"
        )
        self.model.auto_close_s = 2.0  # she posts the envelope and shuts the door

    def unlocks(self) -> list[int]:
        return self.call(lambda: list(self.model.unlocks))


@pytest.fixture
def locker() -> Iterator[LockerRig]:
    rig = LockerRig()
    yield rig
    rig.close()


def run_booth(state: Path, hub: Any, token: str, port: str, phase: str) -> tuple[int, list[str]]:
    """One booth process to its end; its exit code and the lines it printed."""
    return run_child(
        "tests.e2e.booth_child", str(state), hub.url, token, port, phase, timeout=WAIT_S
    )


def said(lines: list[str], word: str) -> list[str]:
    found = [line.split()[1:] for line in lines if line.split()[:1] == [word]]
    assert found, f"the booth never said {word!r}: {lines}"
    return found[0]


def hub_rows(hub: Any, case_id: str) -> tuple[list[Any], list[str], list[str]]:
    with hub.state.db() as db:
        deposits = [
            (d.slot, d.door, d.item_present)
            for d in db.scalars(select(LockerDeposit).where(LockerDeposit.case_id == case_id))
        ]
        history = [
            e.what for e in db.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id))
        ]
        keys = [r.key for r in db.scalars(select(IdempotentResponse))]
    return deposits, history, keys


@pytest.mark.slow
def test_booth_killed_after_the_locker_deposit_recovers_it_exactly_once(
    hub: Any, locker: LockerRig, tmp_path: Path
) -> None:
    token = str(hub.register_booth("xiaowu-sigkill"))
    state = tmp_path / "booth"
    code, lines = run_booth(state, hub, token, locker.port, "deposit")
    assert code == -signal.SIGKILL, (code, lines)
    (case_id,) = said(lines, "case")
    (slot,) = said(lines, "slot")
    said(lines, "deposited")
    deposits, history, _ = hub_rows(hub, case_id)
    assert deposits == [] and "locker_deposit" not in history  # saved, not yet sent
    assert locker.unlocks() and set(locker.unlocks()) == {int(slot)}
    sessions = state / "sessions"
    assert any(sessions.rglob("*")), "her captured page was on the booth when it died"
    unlocks_before = len(locker.unlocks())

    code, lines = run_booth(state, hub, token, locker.port, "restart")
    assert code == 0, lines
    decision, pending = said(lines, "recovered")
    assert decision == "close" and int(pending) >= 1  # the deposit was still to send
    said(lines, "drained")
    (other,) = said(lines, "other-slot")
    assert other != slot  # the slot holding her originals is not given to the next case

    deposits, history, keys = hub_rows(hub, case_id)
    assert deposits == [(slot, "closed", True)]  # delivered, exactly once
    assert history.count("locker_deposit") == 1
    assert history.count("session_ended") == 1  # the hub heard the session was closed
    assert sum(k.startswith("locker-deposit:") for k in keys) == 1
    assert len(locker.unlocks()) == unlocks_before  # no door opened again by the restart
    assert not any(sessions.rglob("*")), "the booth kept her data"
    print(
        f"booth SIGKILL: slot {slot} deposited once, {pending} write(s) delivered after the "
        f"restart, next case gets slot {other}, session wiped"
    )


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.timeout(600)
async def test_booth_killed_after_story_a_deposit_ends_like_a_clean_run(
    hub: Any, tmp_path: Path
) -> None:
    from kiosk.config import load_config

    booth_id = load_config(environ={}).booth.id
    token = str(hub.register_booth(booth_id))
    state, shots = tmp_path / "booth", tmp_path / "shots"
    log = os.open(tmp_path / "booth.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    booth = await RemoteBooth.spawn(
        log, str(state), str(shots / "1-until-killed"), hub.url, token, "--die-after-deposit"
    )
    try:
        async with chromium() as browser:
            story = StoryA(hub, booth, browser, booth_id, shots)
            await story.to_the_locker()
            # She posts the originals; the booth saves the deposit and is killed.
            await booth.post_originals(story.slot)
            assert await booth.ended() == -signal.SIGKILL, booth.lines
            assert "deposit-saved" in booth.lines
            assert story.rows("LockerDeposit", "id") == []  # saved in the outbox, not sent
            died_with = left_on_disk(Path(story.session_dir), state / "sessions", state, [])
            assert died_with["session_dir"] and died_with["sessions"]  # her session's files

            booth = story.booth = await RemoteBooth.spawn(
                log, str(state), str(shots / "2-restarted"), hub.url, token
            )
            ((decision, pending),) = await booth.recovered()
            assert decision == "close" and pending >= 1  # the deposit was still to send
            await booth.wait_outbox_empty()
            await booth.wait_sessions_reported()
            assert await booth.screen() == "attract"
            assert await booth.holds_her(story.session_dir, [CITIZEN, ID_NUMBER]) == {
                "session": False,
                "session_dir": False,
                "sessions": [],
                "files": [],
            }
            await booth.shot("attract-after-restart")
            assert story.rows("LockerDeposit", "slot", "door", "item_present") == [
                (story.slot, "closed", True)
            ]

            # The clerks go on; her phone tells her how to, and she rates there.
            await story.market_reviews()
            await story.market_issues()
            await story.continues_on_her_phone()
            await story.certificates_on_her_phone()
        assert case_summary(hub, story.case_id, list(story.typed)) == story.expected_case()
        assert keys_stored_twice(hub) == []
        print(
            f"booth SIGKILL in story A: slot {story.slot} deposited once after the restart "
            f"({pending} writes were pending), session closed and wiped, case as a clean run "
            f"leaves it; {len(list(shots.rglob('*.png')))} screenshots"
        )
    finally:
        await booth.stop()
        os.close(log)
