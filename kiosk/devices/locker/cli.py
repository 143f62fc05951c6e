"""``kiosk locker``: an installer's view of the parcel locker.

``kiosk locker --port DEV --profile NAME status [--json]`` lists every slot (door open,
closed or unknown; item present), and ``kiosk locker --port DEV --profile NAME open SLOT``
unlocks one and exits 0 once the polled state shows its door open, or 2 with a message
when it does not open in time or the board does not answer properly.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

HELP = "parcel locker: slot status, open a slot (installers)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", help="serial port of the lock boards (default: config)")
    parser.add_argument("--profile", help="board profile, e.g. kerong-cu16 (default: config)")
    parser.add_argument("--baud", type=int, default=0, help="baud rate (default: the profile's)")
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    status = sub.add_parser("status", help="door and item of every slot")
    status.add_argument("--json", action="store_true", help="machine-readable output")
    opener = sub.add_parser("open", help="unlock a slot and wait for its door to open")
    opener.add_argument("slot", type=int)
    opener.add_argument("--timeout", type=float, default=5.0, help="seconds (default 5)")


def main(args: argparse.Namespace, config: Any) -> int:
    from kiosk.core.errors import XiaowuError
    from kiosk.devices.locker.profiles import resolve_profile

    devices = config.devices
    port = args.port or devices.locker.port
    if not port:
        print("kiosk locker: no port (give --port or set devices.locker.port)", file=sys.stderr)
        return 2
    try:
        profile = resolve_profile(
            args.profile or devices.locker.profile or "kerong-cu16",
            slot_sizes=devices.locker_slot_sizes,
            closed_bit=devices.locker_closed_bit,
            item_bit=devices.locker_item_bit,
            byte_order=devices.locker_byte_order,
        )
        runner = _status if args.action == "status" else _open
        return asyncio.run(runner(args, port, profile, args.baud or devices.locker.baud))
    except XiaowuError as exc:
        print(f"kiosk locker: {exc}", file=sys.stderr)
        return 2


async def _status(args: argparse.Namespace, port: str, profile: Any, baud: int) -> int:
    from kiosk.devices.locker.board import LockerBus
    from kiosk.devices.locker.slots import DoorState

    bus = await LockerBus.open(port, profile, baud=baud)
    try:
        states = await bus.states()
    finally:
        await bus.close()
    sizes = {w.slot: w.size for w in profile.slots}
    if args.json:
        rows = [state.as_json() | {"size": sizes[state.slot]} for state in states]
        print(json.dumps({"port": port, "profile": profile.name, "slots": rows}, indent=1))
    else:
        for state in states:
            item = {True: "item", False: "empty", None: "-"}[state.item]
            print(f"slot {state.slot:3d}  {sizes[state.slot]:2s} {state.door.value:8s} {item}")
    if all(state.door is DoorState.UNKNOWN for state in states):
        print(f"kiosk locker: no good answer from the lock boards on {port}", file=sys.stderr)
        return 2
    return 0


async def _open(args: argparse.Namespace, port: str, profile: Any, baud: int) -> int:
    from kiosk.devices.locker.board import LockerBus
    from kiosk.devices.locker.slots import DoorState

    try:
        profile.wiring(args.slot)
    except ValueError as exc:
        print(f"kiosk locker: {exc}", file=sys.stderr)
        return 2
    bus = await LockerBus.open(port, profile, baud=baud)
    loop = asyncio.get_running_loop()
    try:
        deadline = loop.time() + args.timeout
        await bus.unlock(args.slot)
        state = await bus.state(args.slot)
        while state.door is not DoorState.OPEN and loop.time() < deadline:
            await asyncio.sleep(0.2)
            state = await bus.state(args.slot)
    finally:
        await bus.close()
    if state.door is DoorState.OPEN:
        print(f"slot {args.slot} open")
        return 0
    why = (
        "the board did not answer properly"
        if state.door is DoorState.UNKNOWN
        else "its door still reads closed"
    )
    print(
        f"kiosk locker: slot {args.slot} did not open within {args.timeout:g} s ({why})",
        file=sys.stderr,
    )
    return 2
