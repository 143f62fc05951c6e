"""``kiosk door --port DEV pulse|inputs``: the booth door's relay board, for installers.

``pulse`` releases the strike. ``inputs`` reads the board's discrete inputs (Modbus 02)
and says what the configured presence sensors report: open and shut the door, step in
and out of the booth, and see which input changes and at which level, to set
``devices.door_contact_input``, ``devices.occupancy_input`` and their levels.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

HELP = "booth door: pulse the strike relay, read the presence sensors (installers)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", help="serial port of the relay board (default: config)")
    parser.add_argument("--baud", type=int, default=0)
    parser.add_argument("--address", type=int, help="Modbus address (default: config)")
    parser.add_argument("--coil", type=int, help="relay channel (default: config)")
    parser.add_argument("--mode", choices=["flash", "on-off"], help="default: config")
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    pulse = sub.add_parser("pulse", help="release the strike for the configured time")
    pulse.add_argument("--seconds", type=float, help="default: devices.door_pulse_s")
    pulse.add_argument("--session", default="installer", help="logged with the pulse")
    inputs = sub.add_parser("inputs", help="read the board's inputs and the presence sensors")
    inputs.add_argument("--count", type=int, default=8, help="inputs to read (default 8)")


def main(args: argparse.Namespace, config: Any) -> int:
    from kiosk.core.errors import XiaowuError

    devices = config.devices
    port = args.port or devices.door.port
    if not port:
        print("kiosk door: no port (give --port or set devices.door.port)", file=sys.stderr)
        return 2
    try:
        if args.action == "inputs":
            return asyncio.run(_inputs(args, devices, port))
        return asyncio.run(_pulse(args, devices, port))
    except XiaowuError as exc:
        print(f"kiosk door: {exc}", file=sys.stderr)
        return 2


async def _pulse(args: argparse.Namespace, devices: Any, port: str) -> int:
    from kiosk.core.clock import SystemClock
    from kiosk.devices.door.relay import Door, RelayBoard

    relay = await RelayBoard.open(port, args.baud or devices.door.baud)
    try:
        door = Door(
            relay,
            SystemClock(),
            address=devices.door_address if args.address is None else args.address,
            coil=devices.door_coil if args.coil is None else args.coil,
            pulse_s=devices.door_pulse_s,
            mode=args.mode or devices.door_mode,
        )
        pulsed = await door.pulse(args.session, args.seconds)
    finally:
        await relay.close()
    print(f"door strike released for {pulsed.seconds:g} s")
    return 0


async def _inputs(args: argparse.Namespace, devices: Any, port: str) -> int:
    from kiosk.core.clock import SystemClock
    from kiosk.devices.assembly import presence_sensor
    from kiosk.devices.door.presence import BoothPresence
    from kiosk.devices.door.relay import Door, RelayBoard

    address = devices.door_address if args.address is None else args.address
    relay = await RelayBoard.open(port, args.baud or devices.door.baud)
    try:
        bits = await relay.read_inputs(address, 0, args.count)
        print("inputs " + " ".join(f"{n}:{int(on)}" for n, on in enumerate(bits)))
        door = Door(relay, SystemClock(), address=address)
        sensor = presence_sensor(devices, door)
        if not isinstance(sensor, BoothPresence):
            print("presence: no occupancy input configured (devices.occupancy_input)")
            return 0
        reading = await sensor.read()
        door_text = {None: "not wired", True: "closed", False: "open"}[reading.door_closed]
        print(f"door {door_text}, booth {'occupied' if reading.occupied else 'empty'}")
        print(f"citizen present: {await sensor.citizen_present()}")
    finally:
        await relay.close()
    return 0
