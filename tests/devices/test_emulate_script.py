"""The stdin script of `kiosk emulate`: each line drives the emulated device."""

from __future__ import annotations

from kiosk.devices.emulate import _script
from kiosk.devices.idcard.emulator import IdCardModel
from kiosk.devices.locker.emulator import LockerModel
from kiosk.devices.locker.profiles import PROFILES
from kiosk.devices.scanner.emulator import ScannerModel


def test_locker_script() -> None:
    model = LockerModel(PROFILES["kerong-cu16"])
    assert _script(model, "open 3\n") == "open 3"
    assert _script(model, "put 3") == "put 3"
    assert model.is_open(3) and model.items[3]
    assert _script(model, "close 3") == "close 3"
    assert _script(model, "take 3") == "take 3"
    assert not model.is_open(3) and not model.items[3]
    assert _script(model, "stick 4") == "stick 4"
    assert _script(model, "unstick 4") == "unstick 4"
    assert _script(model, "fly 3").startswith("unknown command")
    assert _script(model, "open").startswith("unknown command")
    assert _script(model, "   ") == ""


def test_idcard_and_scanner_scripts() -> None:
    card = IdCardModel()
    assert _script(card, "place") == "place" and card.card is not None
    assert _script(card, "remove") == "remove" and card.card is None
    scanner = ScannerModel()
    sent: list[bytes] = []
    scanner.bind(lambda: None, sent.append)
    assert _script(scanner, "XW:booth 01\n") == "scanned"
    assert sent == [b"XW:booth 01\r"]


def test_door_inputs_script() -> None:
    from kiosk.devices.door.emulator import RelayModel

    model = RelayModel(inputs=4)
    assert _script(model, "high 1") == "input 1 high" and model.inputs[1] is True
    assert _script(model, "low 1") == "input 1 low" and model.inputs[1] is False
    assert _script(model, "high 9") == "the board has no input 9"
    assert _script(model, "high").startswith("unknown command")
