"""``kiosk door --port DEV pulse``: release the booth door's strike (installers)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

HELP = "booth door: pulse the strike relay (installers)"


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


def main(args: argparse.Namespace, config: Any) -> int:
    from kiosk.core.errors import XiaowuError

    devices = config.devices
    port = args.port or devices.door.port
    if not port:
        print("kiosk door: no port (give --port or set devices.door.port)", file=sys.stderr)
        return 2
    try:
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
