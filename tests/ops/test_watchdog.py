from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from kiosk.core.clock import FakeClock
from kiosk.ops.sdnotify import SystemdNotifier
from kiosk.ops.watchdog import LoopWatchdog

ROOT = Path(__file__).resolve().parents[2]


class CountingNotifier:
    def __init__(self) -> None:
        self.count = 0

    def watchdog(self) -> bool:
        self.count += 1
        return True


async def _turn(clock: FakeClock, seconds: float) -> None:
    clock.advance(seconds)
    for _ in range(3):
        await asyncio.sleep(0)


async def test_pets_at_interval_and_records_stalls() -> None:
    clock = FakeClock()
    notifier = CountingNotifier()
    dog = LoopWatchdog(clock, notifier, interval_s=1.0, tick_s=0.05, stall_s=0.05)
    task = dog.start()
    await asyncio.sleep(0)
    assert notifier.count == 1  # pets at start
    for _ in range(40):  # two seconds of healthy ticks
        await _turn(clock, 0.05)
    assert notifier.count == 3
    assert not dog.stalls
    await _turn(clock, 0.5)  # the loop did not turn for 450 ms beyond its tick
    assert len(dog.stalls) == 1
    assert abs(dog.stalls[0].lag_s - 0.45) < 1e-9
    task.cancel()


def test_notifier_is_a_no_op_outside_systemd() -> None:
    notifier = SystemdNotifier(environ={})
    assert not notifier.enabled
    assert notifier.watchdog() is False
    assert notifier.watchdog_interval_s is None


def test_watchdog_pets_stop_when_the_ui_loop_hangs(tmp_path: Path) -> None:
    """As systemd sees it: pets arrive, the UI hangs, no pet within WatchdogSec."""
    address = str(tmp_path / "notify")
    receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    receiver.bind(address)
    watchdog_sec = 1.0
    env = dict(
        os.environ,
        NOTIFY_SOCKET=address,
        WATCHDOG_USEC=str(int(watchdog_sec * 1e6)),
        QT_QPA_PLATFORM="offscreen",
        PYTHONPATH=str(ROOT),
    )
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("hung_ui_child.py")), "5"], env=env
    )
    try:
        receiver.settimeout(30)  # start-up may be slow on a loaded machine
        assert b"READY=1" in receiver.recv(256)
        pets = 0
        fired = False
        deadline = time.monotonic() + 120
        receiver.settimeout(watchdog_sec)
        while not fired and time.monotonic() < deadline:
            try:
                message = receiver.recv(256)
            except TimeoutError:
                # Before the hang a late pet only means a loaded machine; after it, the
                # silence is what systemd acts on (kill and restart the app).
                fired = pets >= 5
                continue
            if message == b"WATCHDOG=1":
                pets += 1
            assert pets < 100, "pets never stopped although the UI loop hung"
        assert fired
        assert child.poll() is None, "the child should be hung, not exited"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        receiver.close()


def test_the_hub_says_ready_and_pets_the_watchdog(tmp_path: Path) -> None:
    """xiaowu-hub.service is Type=notify with WatchdogSec: the hub must speak sd_notify."""
    import socket as socket_module

    address = str(tmp_path / "notify")
    receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    receiver.bind(address)
    with socket_module.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(
        os.environ,
        NOTIFY_SOCKET=address,
        WATCHDOG_USEC="1000000",
        PYTHONPATH=str(ROOT),
        XIAOWU_HUB_SERVER__DB_URL=f"sqlite:///{tmp_path / 'hub.sqlite3'}",
    )
    hub = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "hub", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        receiver.settimeout(60)
        messages = []
        while b"WATCHDOG=1" not in messages:
            messages.append(receiver.recv(256))
        ready = next(m for m in messages if m.startswith(b"READY=1"))
        assert b"STATUS=" in ready
        # READY comes only once the socket listens.
        with socket_module.create_connection(("127.0.0.1", port), timeout=5):
            pass
    finally:
        hub.send_signal(signal.SIGTERM)
        hub.wait(timeout=30)
        receiver.close()
