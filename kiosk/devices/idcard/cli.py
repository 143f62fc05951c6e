"""``kiosk idcard --port DEV read [--json] [--unmasked]``: read the card on the reader.

The ID number is masked (first four and last four characters) unless ``--unmasked`` is
given, and it is never logged. ``--photo FILE`` saves the undecoded photo (wlt) bytes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from kiosk.core.masking import mask_id_number

HELP = "ID-card reader: read the card on the reader (installers)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", help="serial port of the reader (default: config)")
    parser.add_argument("--baud", type=int, default=0)
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    read = sub.add_parser("read", help="read the card lying on the reader")
    read.add_argument("--json", action="store_true", help="machine-readable output")
    read.add_argument(
        "--unmasked", action="store_true", help="show the whole ID number (it is masked otherwise)"
    )
    read.add_argument("--photo", metavar="FILE", help="save the undecoded photo bytes here")


def main(args: argparse.Namespace, config: Any) -> int:
    from kiosk.core.errors import XiaowuError

    port = args.port or config.devices.idcard.port
    if not port:
        print("kiosk idcard: no port (give --port or set devices.idcard.port)", file=sys.stderr)
        return 2
    try:
        return asyncio.run(_read(args, port, args.baud or config.devices.idcard.baud))
    except XiaowuError as exc:
        print(f"kiosk idcard: {exc}", file=sys.stderr)
        return 2


async def _read(args: argparse.Namespace, port: str, baud: int) -> int:
    from kiosk.devices.idcard.reader import IdCardReader

    reader = await IdCardReader.open(port, baud)
    try:
        card = await reader.read_card()
    finally:
        await reader.close()
    if card is None:
        print("kiosk idcard: no card on the reader", file=sys.stderr)
        return 2
    if args.photo:
        await asyncio.to_thread(Path(args.photo).write_bytes, card.photo)
    text = card.text
    fields = {
        "name": text.name,
        "sex": text.sex_name,
        "nation": text.nation_name,
        "birth": text.birth,
        "address": text.address,
        "id_number": text.id_number if args.unmasked else mask_id_number(text.id_number),
        "issuer": text.issuer,
        "valid_from": text.valid_from,
        "valid_to": text.valid_to,
        "photo_bytes": len(card.photo),
    }
    if args.json:
        print(json.dumps(fields, ensure_ascii=False, indent=1))
    else:
        for key, value in fields.items():
            print(f"{key:12s} {value}")
    return 0
