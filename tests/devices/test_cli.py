"""The installer commands against `kiosk emulate ... --pty`, as separate processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENV = {k: v for k, v in os.environ.items() if not k.startswith("XIAOWU_")} | {
    "PYTHONPATH": str(ROOT)
}


class Emulator:
    def __init__(self, *args: str, log: Path) -> None:
        self.log = log
        self._log_file = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "emulate", *args, "--pty"],
            cwd=ROOT,
            env=ENV,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log_file,
            text=True,
        )
        assert self.process.stdout is not None
        self.path = self.process.stdout.readline().strip()
        assert self.path.startswith("/dev/"), self.log.read_text()

    def script(self, line: str) -> str:
        """Send a script line and return the emulator's answer (it is applied by then)."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        for stream in (self.process.stdin, self.process.stdout, self._log_file):
            if stream is not None:
                stream.close()


@pytest.fixture
def emulate(tmp_path: Path) -> Iterator:  # type: ignore[type-arg]
    started: list[Emulator] = []

    def start(*args: str) -> Emulator:
        emulator = Emulator(*args, log=tmp_path / f"emulator-{len(started)}.log")
        started.append(emulator)
        return emulator

    yield start
    for emulator in started:
        emulator.stop()


def kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_locker_status_json_lists_every_slot(emulate) -> None:  # type: ignore[no-untyped-def]
    emulator = emulate("locker", "--profile", "kerong-cu16")
    assert emulator.script("open 3") == "open 3"
    assert emulator.script("put 5") == "put 5"
    result = kiosk(
        "locker", "--port", emulator.path, "--profile", "kerong-cu16", "status", "--json"
    )
    assert result.returncode == 0, result.stderr
    slots = {s["slot"]: s for s in json.loads(result.stdout)["slots"]}
    assert len(slots) == 16
    assert slots[3] == {"slot": 3, "door": "open", "item": False, "size": "S"}
    assert slots[5]["item"] is True and slots[5]["door"] == "closed"
    assert slots[1]["door"] == "closed"


def test_locker_open_exits_0_once_the_door_shows_open(emulate) -> None:  # type: ignore[no-untyped-def]
    emulator = emulate("locker", "--profile", "generic-8a-24")
    result = kiosk("locker", "--port", emulator.path, "--profile", "generic-8a-24", "open", "7")
    assert (result.returncode, result.stdout.strip()) == (0, "slot 7 open"), result.stderr


def test_locker_open_of_a_sticky_door_exits_2_with_a_message(emulate) -> None:  # type: ignore[no-untyped-def]
    emulator = emulate("locker", "--sticky", "2")
    result = kiosk(
        "locker", "--port", emulator.path, "--profile", "kerong-cu16", "open", "2", "--timeout", "1"
    )
    assert result.returncode == 2
    assert "slot 2 did not open within 1 s (its door still reads closed)" in result.stderr
    assert "Traceback" not in result.stderr


def test_locker_with_a_garbling_board_exits_2_with_a_message(emulate) -> None:  # type: ignore[no-untyped-def]
    emulator = emulate("locker", "--fault", "bad-checksum")
    result = kiosk(
        "locker",
        "--port",
        emulator.path,
        "--profile",
        "kerong-cu16",
        "open",
        "1",
        "--timeout",
        "0.5",
    )
    assert result.returncode == 2
    assert "did not answer properly" in result.stderr
    status = kiosk("locker", "--port", emulator.path, "--profile", "kerong-cu16", "status")
    assert status.returncode == 2
    assert "no good answer" in status.stderr
    assert "Traceback" not in result.stderr + status.stderr


def test_locker_bad_slot_and_missing_port_are_messages() -> None:
    result = kiosk("locker", "--port", "/dev/nonexistent-xiaowu", "status")
    assert result.returncode == 2 and "cannot open /dev/nonexistent-xiaowu" in result.stderr
    result = kiosk("locker", "--port", "/dev/null", "open", "99")
    assert result.returncode == 2 and "no slot 99" in result.stderr
    assert "Traceback" not in result.stderr


def test_door_pulse(emulate) -> None:  # type: ignore[no-untyped-def]
    emulator = emulate("door")
    result = kiosk("door", "--port", emulator.path, "pulse", "--seconds", "0.5")
    assert result.returncode == 0, result.stderr
    assert "released for 0.5 s" in result.stdout
    assert "session installer" in result.stderr  # the booth's log line names the session
    emulator.stop()
    assert "relay 0 on for 0.5 s (flash)" in emulator.log.read_text()


def test_door_pulse_without_a_board_is_a_message(emulate) -> None:  # type: ignore[no-untyped-def]
    emulator = emulate("door", "--fault", "silence")
    result = kiosk("door", "--port", emulator.path, "pulse")
    assert result.returncode == 2
    assert "no reply from relay board 1" in result.stderr
    assert "Traceback" not in result.stderr


def test_idcard_read_masks_the_id_number_unless_asked(emulate) -> None:  # type: ignore[no-untyped-def]
    emulator = emulate("idcard", "--card")
    result = kiosk("idcard", "--port", emulator.path, "read", "--json")
    assert result.returncode == 0, result.stderr
    card = json.loads(result.stdout)
    assert card["name"] == "张晓屋"
    assert card["id_number"] == "1101**********002X"
    assert (card["sex"], card["nation"], card["photo_bytes"]) == ("女", "汉", 1024)
    assert "11010519491231002X" not in result.stdout + result.stderr
    result = kiosk(
        "--log-level", "DEBUG", "idcard", "--port", emulator.path, "read", "--json", "--unmasked"
    )
    assert json.loads(result.stdout)["id_number"] == "11010519491231002X"
    assert "11010519491231002X" not in result.stderr  # never in the log, even at DEBUG


def test_idcard_without_a_card_is_a_message(emulate) -> None:  # type: ignore[no-untyped-def]
    emulator = emulate("idcard")
    result = kiosk("idcard", "--port", emulator.path, "read", "--json")
    assert (result.returncode, result.stderr.strip()[-28:]) == (
        2,
        "kiosk idcard: no card on the reader"[-28:],
    )


def test_door_inputs_show_the_wiring_and_the_presence_verdict(emulate) -> None:  # type: ignore[no-untyped-def]
    emulator = emulate("door")
    assert emulator.script("high 2") == "input 2 high"  # the door contact: shut
    assert emulator.script("high 5") == "input 5 high"  # the occupancy sensor: someone in
    result = kiosk("door", "--port", emulator.path, "inputs")
    assert result.returncode == 0, result.stderr
    assert "inputs 0:0 1:0 2:1 3:0 4:0 5:1 6:0 7:0" in result.stdout
    assert "no occupancy input configured" in result.stdout
    wired = {"XIAOWU_DEVICES__DOOR_CONTACT_INPUT": "2", "XIAOWU_DEVICES__OCCUPANCY_INPUT": "5"}
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "door", "--port", emulator.path, "inputs"],
        cwd=ROOT,
        env=ENV | wired,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "door closed, booth occupied" in result.stdout
    assert "citizen present: True" in result.stdout
    emulator.stop()
