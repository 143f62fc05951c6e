"""A booth process for the resume tests: the composition root, headless, real parts.

Run as ``python -m tests.e2e.booth_resume_child STATE_DIR HUB_URL TOKEN DOOR_PORT PHASE``.
It builds the booth as ``kiosk run`` does (``kiosk.booth.root.Booth`` with its hub link,
outbox, session journal and recovery, ``BoothUi`` offscreen, the generated document
camera, tesseract), with the door's relay board on ``DOOR_PORT`` (the test's emulator on
a pty, which outlives this process) and the booth's presence sensors wired to that
board's inputs: the door contact on input 0, the occupancy sensor on input 1.

``begin``: a walk-in starts the self-service item ``social-insurance-record``, holds her ID
card under the document camera (identify), and reaches the confirm screen with the
fields read from it. Once the hub has her case and the booth's save point says "form",
the process SIGKILLs itself. Prints ``session <id>``, ``case <hub id>``,
``token <citizen token>``, ``step <index> <screen>`` and ``values <json>``.

``begin-review``: the same, but at the confirm screen she confirms while the hub cannot be
reached (the outbox is stopped): the booth shows "checking" while the department's rules
would decide, and dies there with her submission still in the outbox.

``restart``: the same booth started again on the same state. Prints
``recovered <decision> <pending writes>``; if it resumed: ``session <id>``,
``step <index> <screen>``, ``values <json>``, ``caption <text>`` (what she reads), then
she confirms, rates and leaves: ``case <hub id>``, ``done``. Either way it ends with
``drained`` (the outbox empty, the journal with no unfinished session) and
``sessions-left <n>`` (session folders left on the booth), and exits 0.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

from tests.e2e.harness import say

SERVICE = "social-insurance-record"
DOOR_CONTACT, OCCUPANCY = 0, 1


def build(state: Path, hub_url: str, token: str, door_port: str) -> tuple[Any, Any]:
    from tests.e2e.harness import child_booth, on_port

    def on_the_test_door(config: Any) -> Any:
        config = on_port(
            config, "door", door_port, door_contact_input=DOOR_CONTACT, occupancy_input=OCCUPANCY
        )
        return dataclasses.replace(config, ocr=dataclasses.replace(config.ocr, engine="tesseract"))

    return child_booth(state, hub_url, token, on_the_test_door)


def form_values(forms: list[Any]) -> dict[str, str]:
    return {f.key: f.value for f in forms[-1].fields}


def confirmed(state: Path, forms: list[Any]) -> dict[str, str]:
    """The fields as she confirms them: what was read, corrected to her card."""
    card = json.loads((state / "card.json").read_text())
    return {**form_values(forms), "applicant_name": card["name"], "id_number": card["id_number"]}


def saved_step(ui: Any) -> int | None:
    """The step the save point in the session vault says she is at."""
    from kiosk.booth.resume import SAVE_POINT, SavePoint

    try:
        point = SavePoint.from_bytes(ui.session.get(SAVE_POINT))
    except KeyError:
        return None
    current = point.snapshot.get("current")
    return current if isinstance(current, int) else None


async def begin(booth: Any, ui: Any, state: Path, *, confirm: bool = False) -> None:
    from tests.e2e.harness import poll, until

    bridge = ui.bridge
    captures: list[Any] = []
    forms: list[Any] = []
    bridge.capture_changed.connect(captures.append)
    bridge.form_shown.connect(forms.append)
    ui.start_session()
    say("session", ui.session.session_id)
    booth._tasks.append(asyncio.ensure_future(booth.start_service(SERVICE)))
    await until(
        bridge.capture_changed,
        lambda: bool(captures) and captures[-1].state == "place",
        "the ID card asked for",
    )
    desk = booth.frames
    await desk.place("id_card", seed=3)
    (state / "card.json").write_text(json.dumps(desk.placed_fields, ensure_ascii=False))
    await until(bridge.form_shown, lambda: bool(forms), "the confirm screen")
    desk.remove()
    runner = booth.service_runner
    form_step = runner.workflow.current
    await poll(lambda: saved_step(ui) == form_step, "the save point at the form")
    await poll(lambda: runner.link.token != "", "the hub to open her case")
    await asyncio.wait_for(booth.outbox.wait_until_empty(), 120)
    say("case", runner.hub_case_id)
    say("token", runner.link.token)
    say("step", form_step, bridge.screen)
    say("values", json.dumps(form_values(forms), ensure_ascii=False))
    if confirm:
        await booth.outbox.stop()  # what she confirms stays in the outbox
        bridge.fields_confirmed.emit(confirmed(state, forms))
        review = form_step + 1
        await poll(lambda: saved_step(ui) == review, "the save point at the review")
        say("review", review, bridge.screen, booth.outbox.pending())
    os.kill(os.getpid(), signal.SIGKILL)  # the booth dies with her at the confirm screen


async def restart(booth: Any, ui: Any, state: Path) -> None:
    from kiosk.backend.recovery import Decision
    from tests.e2e.harness import poll, until

    bridge = ui.bridge
    forms: list[Any] = []
    bridge.form_shown.connect(forms.append)
    said_captions: list[str] = []  # what the footer said once her item was back
    bridge.caption_changed.connect(said_captions.append)
    for outcome in booth.recovered:
        say("recovered", outcome.decision.value, outcome.pending_writes)
    if any(o.decision is Decision.RESUME for o in booth.recovered) and ui.session is not None:
        say("session", ui.session.session_id)
        await poll(lambda: booth.service_runner is not None, "her item back")
        runner = booth.service_runner
        await poll(lambda: bool(runner.screen.screens), "her step on screen again")
        back_at = runner.resumed.snapshot["current"]
        say("resumed-at", back_at, runner.screen.screens[0])
        captions = ui.window.footer.captions  # the words under every screen
        if runner.screen.screens[0] == "form":
            await until(bridge.form_shown, lambda: bool(forms), "the confirm screen again")
            say("step", back_at, bridge.screen)
            say("values", json.dumps(form_values(forms), ensure_ascii=False))
            say("caption", captions.text() if captions.isVisible() else "")
            bridge.fields_confirmed.emit(confirmed(state, forms))  # she checks and confirms
        else:  # the "checking" screen: its own words may follow ours; were ours said?
            from kiosk.ui.texts import resumed_caption

            back = resumed_caption()
            await until(bridge.caption_changed, lambda: back in said_captions, "we're back")
            say("caption", back)
        await poll(lambda: bridge.screen == "rating", "the rating screen")
        bridge.rating_submitted.emit("service", 5)
        await poll(lambda: bridge.screen == "done", "the done screen")
        await asyncio.wait_for(booth.outbox.wait_until_empty(), 120)
        say("case", runner.hub_case_id)
        say("done")
        ui.end_session("done")  # she leaves: her data is wiped
    await asyncio.wait_for(booth.outbox.wait_until_empty(), 120)
    await poll(lambda: not booth.journal.unfinished(), "the hub to hear of the session's end")
    say("drained")
    sessions = state / "sessions"
    say("sessions-left", len(list(sessions.iterdir())) if sessions.is_dir() else 0)


async def main(state: Path, hub_url: str, token: str, door_port: str, phase: str) -> int:
    from kiosk.backend.channel import ConnectionState

    booth, ui = build(state, hub_url, token, door_port)
    ui.show()
    try:
        await booth.start(ui)
        if booth.door is None:
            raise RuntimeError("the door relay did not open")
        await asyncio.wait_for(booth.channel.wait_for(ConnectionState.ONLINE), 120)
        if phase.startswith("begin"):
            await begin(booth, ui, state, confirm=phase == "begin-review")
        else:
            await restart(booth, ui, state)
    finally:
        ui.close()
        await booth.stop()
    return 0


if __name__ == "__main__":
    from tests.e2e.harness import run_headless

    state_dir, url, booth_token, port, which = sys.argv[1:6]
    sys.exit(run_headless(lambda: main(Path(state_dir), url, booth_token, port, which)))
