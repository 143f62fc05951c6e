"""What the end-to-end stories share: starting the booth, waiting on its signals,
touching its buttons and typing as the on-screen keyboard does, screenshots of the booth
window, and clerks in the console."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

from kiosk.config import Config, load_config
from kiosk.demo.command import demo_config

TIMEOUT_S = 60  # per wait; OCR of a document takes seconds on a busy machine
ROOT = Path(__file__).resolve().parents[2]  # the repository: where child processes run
T = TypeVar("T")


def story_config(hub: Any, tmp_path: Path, booth_id: str | None = None) -> Config:
    """The demo booth's configuration against ``hub`` (registered there), windowed, its
    citizen sessions kept under ``tmp_path/sessions`` so a test can look at them."""
    base = load_config(environ={})
    if booth_id:
        base = dataclasses.replace(base, booth=dataclasses.replace(base.booth, id=booth_id))
    token = hub.register_booth(base.booth.id)
    push_key = hub.push_key() if hasattr(hub, "push_key") else ""
    return booth_config(base, hub.url, str(token), tmp_path, push_key)


def booth_config(
    base: Config, hub_url: str, token: str, tmp_path: Path, push_key: str = ""
) -> Config:
    """``base`` as the demo booth of a booth registered at ``hub_url`` with ``token``:
    windowed, its state under ``tmp_path`` and its citizen sessions in ``tmp_path/sessions``."""
    config = demo_config(base, hub_url, token, tmp_path, push_key)
    return dataclasses.replace(
        config,
        booth=dataclasses.replace(
            config.booth, session_dir=str(tmp_path / "sessions"), fullscreen=False
        ),
        # OCR with time to spare on a loaded machine: speed is bench/ocr.py's to measure, and
        # a timeout would leave a field unread (and make a fault test's runs differ).
        ocr=dataclasses.replace(config.ocr, timeout_s=120.0),
    )


def fast_reconnect(config: Config) -> Config:
    """Reconnect to the hub within a second of its return."""
    return dataclasses.replace(
        config, hub=dataclasses.replace(config.hub, reconnect_min_s=0.2, reconnect_max_s=1.0)
    )


async def until(
    signal: Any, done: Callable[[], bool], what: str, seen: Callable[[], object] | None = None
) -> None:
    """Wait, on ``signal``'s emissions, until ``done()``; fail after TIMEOUT_S, saying
    what ``seen()`` shows then."""
    loop = asyncio.get_running_loop()
    while not done():
        fired: asyncio.Future[None] = loop.create_future()

        def slot(*_: Any, fired: asyncio.Future[None] = fired) -> None:
            if not fired.done():
                fired.set_result(None)

        signal.connect(slot)
        try:
            await asyncio.wait_for(fired, TIMEOUT_S)
        except TimeoutError:
            shown = f"; seen {seen()}" if seen is not None else ""
            raise AssertionError(f"timed out waiting for {what}{shown}") from None
        finally:
            signal.disconnect(slot)


async def poll(
    predicate: Callable[[], object],
    what: str,
    within: float = TIMEOUT_S,
    seen: Callable[[], object] | None = None,
) -> None:
    """Poll an observable condition that has no signal (a browser's state, a device
    emulator, the hub's database) until it holds; fail after ``within`` seconds, saying
    what ``seen()`` shows then."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not predicate():
        if loop.time() > deadline:
            shown = f"; seen {seen()}" if seen is not None else ""
            raise AssertionError(f"timed out after {within} s waiting for {what}{shown}")
        await asyncio.sleep(0.05)


def child_env() -> dict[str, str]:
    """The environment of a booth child process: headless Qt, this repository importable,
    no XIAOWU_* settings of the test's own environment, one OCR thread."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XIAOWU_")}
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT), OMP_THREAD_LIMIT="1")
    return env


def run_child(module: str, *args: str, timeout: float) -> tuple[int, list[str]]:
    """Run ``python -m module ARGS`` (a booth process) to its end: its exit code and the
    lines it printed; fails if it printed a traceback."""
    proc = subprocess.Popen(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "Traceback" not in err, err[-3000:]
    return proc.returncode, out.splitlines()


def child_booth(
    state: Path, hub_url: str, token: str, adjust: Callable[[Config], Config]
) -> tuple[Any, Any]:
    """A child process's booth as ``kiosk run`` builds it (``kiosk.booth.root.Booth``, its UI
    offscreen): registered at ``hub_url``, its state under ``state``, reconnecting fast,
    with ``adjust`` applied to its configuration (e.g. a device on the test's pty)."""
    from kiosk.booth.root import Booth
    from kiosk.ui.booth_ui import BoothUi

    config = adjust(fast_reconnect(booth_config(load_config(environ={}), hub_url, token, state)))
    booth = Booth(config)
    return booth, BoothUi(config.booth, booth.collaborators())


def on_port(config: Config, device: str, port: str, **devices: Any) -> Config:
    """``config`` with ``[devices] <device>`` on the test's pty ``port`` and the other
    ``[devices]`` settings ``devices`` changed (an ``adjust`` for :func:`child_booth`)."""
    d = config.devices
    moved = dataclasses.replace(getattr(d, device), port=port)
    return dataclasses.replace(config, devices=dataclasses.replace(d, **{device: moved}, **devices))


def say(*words: object) -> None:
    """A child booth's line to the test driving it (stdout, one line at once)."""
    print(*words, flush=True)


class ThreadRig:
    """A device emulator on a pty, served by an event loop in a thread of the test's process:
    the device outlives a booth process the test kills, as a real one would."""

    def __init__(self, model: Any, name: str) -> None:
        from kiosk.devices.pty_emulator import PtyEmulator

        self.model = model
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
        self.thread.start()
        self.emulator = PtyEmulator(model)
        self.port = asyncio.run_coroutine_threadsafe(self.emulator.start(), self.loop).result(30)

    def call(self, what: Callable[[], T]) -> T:
        """``what()`` on the emulator's loop (the model is not thread-safe)."""

        async def run() -> T:
            return what()

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(10)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.emulator.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


def run_headless(main: Callable[[], Coroutine[Any, Any, int]]) -> int:
    """A booth child process's main: ``main()`` on a qasync loop of an offscreen Qt
    application (created first, as qasync needs); its exit code."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        return loop.run_until_complete(main())


async def start_booth(booth: Any, ui: Any) -> None:
    """Show the booth's window, start the booth on it and wait until the hub link is up."""
    from kiosk.backend.channel import ConnectionState

    ui.show()
    await booth.start(ui)
    await asyncio.wait_for(booth.channel.wait_for(ConnectionState.ONLINE), 30)


@contextlib.asynccontextmanager
async def demo_booth(config: Config, qapp: Any) -> AsyncIterator[tuple[Any, Any]]:
    """The demo booth (``kiosk.demo.command.DemoBooth`` and its ``BoothUi``) on screen with
    ``config``, online with its hub; closed and stopped afterwards. Yields ``(booth, ui)``.

    Not an async fixture: between a fixture's set-up and the test, qasync runs pending
    callbacks with no running loop, which the booth's tasks cannot take."""
    from kiosk.demo.command import DemoBooth
    from kiosk.ui.booth_ui import BoothUi

    qapp.setQuitOnLastWindowClosed(False)  # closing the window must not stop the test's loop
    booth = DemoBooth(config)
    ui = BoothUi(config.booth, booth.collaborators())
    try:
        await start_booth(booth, ui)
        yield booth, ui
    finally:
        ui.close()
        await booth.stop()


async def door_link_on_screen(ui: Any) -> str:
    """What a phone reads from the door's QR code on the booth's attract screen: the
    citizen page's address with the booth id and its current door code (kiosk.booth.door),
    once the booth shows one (it needs its hub's welcome)."""
    qr = ui.window.screens["attract"].door_qr
    await until(ui.bridge.door_link_changed, lambda: bool(qr.text), "the door's QR code")
    return scan_qr(qr.grab().toImage())


def scan_qr(image: Any) -> str:
    """Read a QR code off the pixels of ``image`` (a QImage) as a phone camera would."""
    import cv2
    import numpy as np
    from PySide6.QtGui import QImage

    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    pixels = np.frombuffer(rgb.constBits(), np.uint8, rgb.sizeInBytes())
    rows = pixels.reshape(rgb.height(), rgb.bytesPerLine())[:, : rgb.width() * 3]
    frame = rows.reshape(rgb.height(), -1, 3)
    # OpenCV's plain detector, then its ArUco-based one (closer to a phone's reader): a
    # code either reads is one a phone reads
    text = cv2.QRCodeDetector().detectAndDecode(frame)[0]
    if not text:
        text = cv2.QRCodeDetectorAruco().detectAndDecode(frame)[0]
    assert text, "the QR code on the screen could not be read"
    return str(text)


def door_code_of(link: str) -> dict[str, str]:
    """The open-door request a phone makes from a door link: ``{"door_code": ...}``."""
    from urllib.parse import parse_qs, urlsplit

    return {"door_code": parse_qs(urlsplit(link).fragment)["door"][0]}


def click(ui: Any, name: str) -> None:
    """Touch the booth's button ``name``; it must be on screen and enabled."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QPushButton

    button = ui.window.findChild(QPushButton, name)
    assert button is not None and button.isVisible() and button.isEnabled(), name
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def recorded(signal: Any) -> list[Any]:
    """Every value ``signal`` emits from now on, in order."""
    values: list[Any] = []
    signal.connect(values.append)
    return values


def capture_state(captures: list[Any], state: str, material: str) -> Callable[[], bool]:
    """Whether the latest capture screen (of ``captures``, the bridge's ``capture_changed``
    views) is in ``state`` for the material whose English name holds ``material``."""

    def check() -> bool:
        v = captures[-1] if captures else None
        return bool(v and v.state == state and v.material and material in v.material.en)

    return check


def type_text(qtbot: Any, box: Any, text: str) -> None:
    """Type into ``box`` as the on-screen keyboard does: ASCII as key presses, Chinese
    committed by the input method (pinyin), which is how it reaches a text box."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    if text.isascii():
        qtbot.keyClicks(box, text)
        return
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(box, event)


class Shots:
    """Screenshots of the booth window, numbered in the order taken."""

    def __init__(self, ui: Any, folder: Path) -> None:
        self.ui = ui
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.taken: list[Path] = []

    async def __call__(self, name: str) -> None:
        from PySide6.QtCore import QTimer

        # Let Qt lay the screen out first (processEvents here would re-enter asyncio tasks).
        settled: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        QTimer.singleShot(0, lambda: settled.done() or settled.set_result(None))
        await settled
        path = self.folder / f"{len(self.taken) + 1:02d}-{name}.png"
        assert self.ui.window.grab().save(str(path)), path
        self.taken.append(path)


def keep_screenshots(taken: list[Path], target: Path) -> None:
    """Replace the screenshots in ``target`` (e.g. docs/story-a) with ``taken``."""
    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob("*.png"):
        old.unlink()
    for path in taken:
        shutil.copy(path, target / path.name)


async def clerk_console(browser: Any, url: str, username: str, password: str) -> Any:
    """A clerk signed in on the hub's /console in a browser context of their own."""
    context = await browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page = await context.new_page()
    await page.goto(url + "/console")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", password)
    await page.click("#login button[type=submit]")
    await page.wait_for_selector("#desk:not([hidden])")
    await page.wait_for_function("() => window.xw.connected === true")
    return page


async def invited_clerk(browser: Any, url: str, inviter: Any, department: str) -> Any:
    """The clerk on ``inviter``'s console invites ``department`` into the call; that
    department's demo clerk signs in on a console of their own and accepts."""
    from kiosk.hub.cli import DEMO_PASSWORD

    await inviter.select_option("#invite-dept", department)
    await inviter.click("#invite")
    page = await clerk_console(browser, url, department, DEMO_PASSWORD)
    await page.click("#queue li[data-kind=invite] button.accept", timeout=TIMEOUT_S * 1000)
    await page.wait_for_selector("#case-panel:not([hidden])", timeout=TIMEOUT_S * 1000)
    return page
