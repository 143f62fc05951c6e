"""``kiosk emulate locker|door|idcard|scanner --pty``: a device emulator on a pseudo-terminal.

Prints the pty path on the first line of standard output (point the booth's config or an
installer command at it) and runs until interrupted. Faults can be switched on for every
reply (``--fault silence``) or for the next few (``--fault-next junk``). Lines typed on
standard input script the device (each is answered with a line on standard output):

=========  ==============================================================
locker     ``open N``, ``close N``, ``put N``, ``take N``, ``stick N``, ``unstick N``
door       ``high N``, ``low N``: drive input N (the door contact, the occupancy sensor)
idcard     ``place`` (the demo card), ``remove``
scanner    any other line is scanned as a code
=========  ==============================================================
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from typing import Any

HELP = "run a device emulator on a pty (locker, door, idcard, scanner)"

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from kiosk.devices.pty_emulator import Fault

    faults = [f.value for f in Fault]
    parser.add_argument("device", choices=["locker", "door", "idcard", "scanner"])
    parser.add_argument("--pty", action="store_true", required=True, help="serve on a new pty")
    parser.add_argument("--profile", default="", help="locker board profile (default: config)")
    parser.add_argument(
        "--auto-close",
        type=float,
        metavar="S",
        help="locker: doors close S seconds after opening, an item put in or taken out",
    )
    parser.add_argument("--sticky", type=int, action="append", default=[], metavar="SLOT")
    parser.add_argument("--address", type=int, default=1, help="door: Modbus address")
    parser.add_argument("--card", action="store_true", help="idcard: start with the demo card")
    parser.add_argument("--fault", action="append", default=[], choices=faults)
    parser.add_argument("--fault-next", action="append", default=[], choices=faults)


def main(args: argparse.Namespace, config: Any) -> int:
    return asyncio.run(_serve(args, config))


def _model(args: argparse.Namespace, config: Any) -> Any:
    if args.device == "locker":
        from kiosk.devices.locker.emulator import LockerModel
        from kiosk.devices.locker.profiles import resolve_profile

        devices = config.devices
        profile = resolve_profile(
            args.profile or devices.locker.profile or "kerong-cu16",
            slot_sizes=devices.locker_slot_sizes,
            closed_bit=devices.locker_closed_bit,
            item_bit=devices.locker_item_bit,
            byte_order=devices.locker_byte_order,
        )
        model = LockerModel(profile)
        model.auto_close_s = args.auto_close
        for slot in args.sticky:
            model.stick(slot)
        return model
    if args.device == "door":
        from kiosk.devices.door.emulator import RelayModel

        return RelayModel(address=args.address)
    if args.device == "idcard":
        from kiosk.devices.idcard.emulator import IdCardModel

        card = IdCardModel()
        if args.card:
            card.place()
        return card
    from kiosk.devices.scanner.emulator import ScannerModel

    return ScannerModel()


def _script(model: Any, line: str) -> str:
    """Apply one line of the stdin script; returns what happened."""
    words = line.split()
    if not words:
        return ""
    verb, rest = words[0], words[1:]
    if hasattr(model, "scan"):
        model.scan(line.strip())
        return "scanned"
    if verb in ("place", "remove") and hasattr(model, "place"):
        model.place() if verb == "place" else model.remove()
        return verb
    if verb in ("high", "low") and rest and rest[0].isdigit() and hasattr(model, "set_input"):
        try:
            model.set_input(int(rest[0]), verb == "high")
        except ValueError as exc:
            return str(exc)
        return f"input {rest[0]} {verb}"
    actions = {
        "open": "open_door",
        "close": "close_door",
        "put": "put_item",
        "take": "take_item",
        "stick": "stick",
        "unstick": "unstick",
    }
    if verb in actions and rest and rest[0].isdigit() and hasattr(model, actions[verb]):
        getattr(model, actions[verb])(int(rest[0]))
        return f"{verb} {rest[0]}"
    return f"unknown command: {line.strip()}"


async def _serve(args: argparse.Namespace, config: Any) -> int:
    from kiosk.devices.pty_emulator import Fault, PtyEmulator

    emulator = PtyEmulator(_model(args, config))
    for name in args.fault:
        emulator.faults.always.add(Fault(name))
    for name in args.fault_next:
        emulator.faults.inject(Fault(name))
    path = await emulator.start()
    print(path, flush=True)
    print(f"{args.device} emulator ready on {path} (Ctrl-C to stop)", file=sys.stderr, flush=True)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    if sys.stdin is not None and not sys.stdin.closed:
        # stdin may be /dev/null or a file, which cannot be watched: then there is no script
        with contextlib.suppress(OSError, ValueError):
            loop.add_reader(sys.stdin.fileno(), _StdinScript(emulator.model).on_readable)
    try:
        await stop.wait()
    finally:
        emulator.close()
    return 0


class _StdinScript:
    """Lines of standard input, applied to the model; each result echoed on stdout."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.pending = b""

    def on_readable(self) -> None:
        import os

        data = os.read(sys.stdin.fileno(), 4096)
        if not data:
            asyncio.get_running_loop().remove_reader(sys.stdin.fileno())
            return
        self.pending += data
        *lines, self.pending = self.pending.split(b"\n")
        for line in lines:
            print(_script(self.model, line.decode("utf-8", "replace")), flush=True)
