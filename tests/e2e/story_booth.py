"""The booth as story A's citizen meets it, in a small vocabulary of touches and waits.

:class:`StoryBooth` is the demo booth (``DemoBooth``: the composition root with its hub
link, outbox and emulated door, locker, ID-card reader and document camera) with its UI
offscreen, and the few things a story does with it: touch a button, place a document
under the camera, wait for a screen, read what the screen and the workflow show, take
a screenshot. Every method is a coroutine whose arguments and answer are plain JSON
data, so the same story script (tests/e2e/story_a_script.py) plays the citizen on a
booth in the test's own process or on one in a child process
(tests/e2e/story_child.py, reached through :class:`RemoteBooth`), which the SIGKILL
fault test can kill.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.config import Config
from kiosk.demo.command import DemoBooth
from tests.e2e import harness
from tests.e2e.harness import (
    ROOT,
    TIMEOUT_S,
    Shots,
    capture_state,
    child_env,
    poll,
    recorded,
    until,
)


class StoryBooth:
    """The demo booth and its offscreen UI, driven as the citizen drives it."""

    def __init__(
        self, config: Config, shots: Path, built: Callable[[Any], None] | None = None
    ) -> None:
        from PySide6.QtWidgets import QApplication

        from kiosk.ui.booth_ui import BoothUi

        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.setQuitOnLastWindowClosed(False)
        self.booth = DemoBooth(config)
        if built is not None:
            built(self.booth)  # e.g. a fault test recording the booth's writes
        self.ui = BoothUi(config.booth, self.booth.collaborators())
        self.bridge = self.ui.bridge
        self.shots = Shots(self.ui, shots)
        self.captures = recorded(self.bridge.capture_changed)
        self.lockers = recorded(self.bridge.locker_changed)
        self.ratings_asked = recorded(self.bridge.rating_shown)
        self.done_views = recorded(self.bridge.done_shown)

    @property
    def runner(self) -> Any:
        """The service item running now (kiosk.booth.service.ServiceRunner)."""
        runner = self.booth.service_runner
        assert runner is not None, "no service item runs on the booth"
        return runner

    # -- life ------------------------------------------------------------------------------

    async def start(self) -> None:
        await harness.start_booth(self.booth, self.ui)
        # She shuts the locker's door when the story says so (post_originals), not on a timer.
        self.booth.rig.locker_model.auto_close_s = None

    async def stop(self) -> None:
        self.ui.close()
        await self.booth.stop()

    # -- her touches and her documents -----------------------------------------------------

    async def click(self, name: str) -> None:
        harness.click(self.ui, name)

    async def place(self, doc_type: str, seed: int) -> dict[str, str]:
        """Put a generated document under the camera; what is printed on it."""
        await self.booth.frames.place(doc_type, seed=seed)
        return dict(self.booth.frames.placed_fields)

    async def remove(self) -> None:
        self.booth.frames.remove()

    async def shot(self, name: str) -> None:
        await self.shots(name)

    async def screenshots(self) -> list[str]:
        return [str(path) for path in self.shots.taken]

    # -- what the screens show -------------------------------------------------------------

    async def wait_screen(self, name: str) -> None:
        await until(self.bridge.screen_changed, lambda: self.bridge.screen == name, name)

    async def screen(self) -> str:
        return str(self.bridge.screen)

    async def wait_consent(self) -> None:
        consent = self.ui.window.screens["call"].consent
        await until(self.bridge.screen_changed, consent.isVisible, "the consent step")

    async def wait_capture(self, state: str, material: str) -> None:
        await until(
            self.bridge.capture_changed,
            capture_state(self.captures, state, material),
            f"{material}: {state}",
            seen=lambda: [(v.state, v.material and v.material.en) for v in self.captures[-4:]],
        )

    async def confirm_shown(self, keys: list[str]) -> dict[str, Any]:
        """The confirm screen: the values of ``keys``, the dissolution reason's button and
        the ID number's box as she sees them."""
        from PySide6.QtWidgets import QLineEdit, QPushButton

        confirm = self.ui.window.screens["confirm"]
        reason = confirm.findChild(QPushButton, "choice_resolution")
        id_box = self.ui.window.findChild(QLineEdit, "edit_id_number")
        return {
            "fields": {key: confirm.edits[key].value for key in keys},
            "reason": [reason.isChecked(), reason.text()],
            "id_number": id_box.text(),
        }

    async def wait_locker(self, state: str) -> str:
        """Wait until the locker screen shows ``state``; its slot."""
        await until(
            self.bridge.locker_changed,
            lambda: bool(self.lockers) and self.lockers[-1].state == state,
            f"the locker {state}",
        )
        return str(self.lockers[-1].slot)

    async def wait_rating(self, count: int) -> list[str]:
        """Wait until the rating screen asked ``count`` times; who each asked about."""
        await until(self.bridge.rating_shown, lambda: len(self.ratings_asked) >= count, "a rating")
        return [str(t.id) for t in self.ratings_asked]

    async def wait_done(self) -> None:
        await until(self.bridge.done_shown, lambda: bool(self.done_views), "the done screen")

    # -- the call --------------------------------------------------------------------------

    async def wait_clerks(self, count: int, what: str) -> None:
        """Wait until ``count`` clerks are in the booth's call."""

        def clerks() -> int:
            call = self.booth.call.call
            return len(call.view.participants) if call is not None else -1

        await poll(lambda: clerks() == count, what, seen=clerks)

    async def wait_painted(self, count: int, what: str) -> None:
        """Wait until the booth shows ``count`` clerk tiles, each with decoded video."""
        tiles = self.ui.window.screens["call"].tiles

        def painted() -> bool:
            shown = list(tiles.values())
            return len(shown) == count and all(t.frames_shown > 0 for t in shown)

        await poll(painted, what)

    async def wait_call_over(self) -> None:
        await poll(lambda: self.booth.call.call is None, "the call over")

    # -- the service item ------------------------------------------------------------------

    async def case(self) -> dict[str, Any]:
        """The item running: its service, the hub's case, the case it adopted, the ID number
        the reader gave (compared, never shown), where the session keeps its files."""
        runner = self.runner
        adopted = runner.adopted
        return {
            "service": runner.service.code,
            "hub_case_id": runner.hub_case_id,
            "adopted": adopted.hub_case_id if adopted is not None else None,
            "id_number": runner.workflow.values.get("id_number"),
            "session_dir": str(self.ui.session.directory),
        }

    async def wait_value(self, key: str, value: str, by: str = "clerk") -> None:
        """Wait until ``value`` of ``key`` came from ``by`` (the same value read by OCR
        beforehand does not count: what the clerk typed has not arrived yet)."""
        workflow = self.runner.workflow  # its values are a copy each time

        await poll(
            lambda: workflow.values.get(key) == value and workflow.sources.get(key) == by,
            f"{key} from the {by} at the booth",
            seen=lambda: (workflow.values.get(key), workflow.sources.get(key)),
        )

    async def wait_checked(self, material: str) -> None:
        workflow = self.runner.workflow
        await poll(
            lambda: any(m.code == material and m.checked_by for m in workflow.materials()),
            f"the check of {material} reaching the booth",
        )

    async def wait_step(self, index: int) -> None:
        workflow = self.runner.workflow
        await poll(
            lambda: workflow.current == index, f"step {index}", seen=lambda: workflow.current
        )

    async def current_step(self) -> int:
        return int(self.runner.workflow.current)

    async def wait_certificate(self, department: str) -> None:
        workflow = self.runner.workflow
        await poll(
            lambda: department in workflow.certificates, f"the {department} certificate push"
        )

    async def session_clock(self) -> float:
        return float(self.booth.clock.monotonic())

    # -- devices ---------------------------------------------------------------------------

    async def door_link(self) -> str:
        """The address in the door's QR code on the attract screen (what her phone opens)."""
        return await harness.door_link_on_screen(self.ui)

    async def door_pulsed(self) -> bool:
        """Whether the door relay's emulator saw the strike pulsed (flashed or switched on)."""
        from kiosk.devices.door.protocol import FlashCoil, WriteCoil

        coil = self.booth.config.devices.door_coil
        return any(
            r.coil == coil and (isinstance(r, FlashCoil) or (isinstance(r, WriteCoil) and r.on))
            for r in self.booth.rig.relay_model.requests
        )

    async def locker(self) -> dict[str, Any]:
        """What the locker's emulator saw: the unlocks, open doors and slots holding items."""
        model = self.booth.rig.locker_model
        slots = sorted(set(model.unlocks))
        return {
            "unlocks": list(model.unlocks),
            "open": [s for s in slots if model.is_open(s)],
            "holding": [s for s in slots if model.items[s]],
        }

    async def post_originals(self, slot: str) -> None:
        """She puts the envelope with her originals in the open slot and shuts its door."""
        model = self.booth.rig.locker_model
        model.put_item(int(slot))
        model.close_door(int(slot))

    # -- the outbox and her data -----------------------------------------------------------

    async def wait_outbox_empty(self) -> None:
        await asyncio.wait_for(self.booth.outbox.wait_until_empty(), TIMEOUT_S)

    async def outbox_pending(self) -> int:
        return int(self.booth.outbox.pending())

    async def recovered(self) -> list[list[Any]]:
        """What recovery did at start-up with interrupted sessions: [decision, writes]."""
        return [[r.decision.value, r.pending_writes] for r in self.booth.recovered]

    async def wait_sessions_reported(self) -> None:
        """Wait until the hub heard of the end of every session the booth closed."""
        journal = self.booth.journal
        await poll(lambda: not journal.unfinished(), "the hub told of the closed session")

    async def holds_her(self, session_dir: str, needles: list[str]) -> dict[str, Any]:
        """What the booth still holds of her: a session, its folder, other session
        folders, and files under the data folder holding any of ``needles`` in plain text."""
        config = self.booth.config.booth
        return {
            "session": self.ui.session is not None,
            **left_on_disk(
                Path(session_dir), Path(config.session_dir), Path(config.data_dir), needles
            ),
        }


def left_on_disk(
    session_dir: Path, sessions: Path, data: Path, needles: list[str]
) -> dict[str, Any]:
    """Her session's folder, any session folders at all, and the files under the booth's
    data folder that hold one of ``needles`` in plain text."""
    raw = [n.encode() for n in needles]
    return {
        "session_dir": session_dir.exists(),
        "sessions": sorted(p.name for p in sessions.iterdir()) if sessions.exists() else [],
        "files": sorted(
            str(p) for p in data.rglob("*") if p.is_file() and any(n in p.read_bytes() for n in raw)
        ),
    }


class RemoteBooth:
    """A :class:`StoryBooth` in a child process (tests/e2e/story_child.py), called over its
    stdin and stdout: one JSON line ``[method, args]`` out, one ``{"ok": ...}`` or
    ``{"error": ...}`` line back."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []  # what the child printed besides its answers

    @classmethod
    async def spawn(cls, log: int, *args: str) -> RemoteBooth:
        """Start ``python -m tests.e2e.story_child ARGS`` and wait until its booth is up;
        its stderr (its log) goes to the file descriptor ``log``."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.e2e.story_child",
            *args,
            cwd=ROOT,
            env=child_env(),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=log,
        )
        booth = cls(process)
        await booth.note("ready")
        return booth

    async def note(self, text: str) -> None:
        """Read the child's lines until it printed ``text``."""
        assert self.process.stdout is not None
        while text not in self.lines:
            line = await asyncio.wait_for(self.process.stdout.readline(), TIMEOUT_S * 3)
            if not line:
                raise AssertionError(f"the booth process ended before {text!r}: {self.lines}")
            self.lines.append(line.decode().rstrip())

    async def ended(self) -> int:
        """Wait for the child to end (what it printed on the way is kept); its exit code."""
        assert self.process.stdout is not None
        rest = await asyncio.wait_for(self.process.stdout.read(), TIMEOUT_S * 3)
        self.lines += rest.decode().splitlines()
        return await asyncio.wait_for(self.process.wait(), TIMEOUT_S)

    async def stop(self) -> None:
        """Close the child's stdin: it stops its booth and exits (killed if it hangs)."""
        if self.process.returncode is not None:
            return
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            await self.ended()
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
            raise

    def __getattr__(self, method: str) -> Callable[..., Any]:
        if method.startswith("_"):
            raise AttributeError(method)

        async def call(*args: Any) -> Any:
            return await self.call(method, *args)

        return call

    async def call(self, method: str, *args: Any) -> Any:
        process = self.process
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write((json.dumps([method, list(args)]) + "\n").encode())
        await process.stdin.drain()
        while True:
            line = await asyncio.wait_for(process.stdout.readline(), TIMEOUT_S * 3)
            if not line:
                raise AssertionError(f"the booth process ended during {method}: {self.lines}")
            text = line.decode()
            if not text.startswith("{"):
                self.lines.append(text.rstrip())
                continue
            answer = json.loads(text)
            if "error" in answer:
                raise AssertionError(f"the booth, {method}{tuple(args)}: {answer['error']}")
            return answer["ok"]
