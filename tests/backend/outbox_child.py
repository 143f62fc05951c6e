"""A booth process that saves writes in its outbox and sends them: killed by the tests.

Run as ``python -m tests.backend.outbox_child DATA HUB_URL TOKEN [--save N]
[--die-after-answers K] [--scenario steps|case]``. It prints ``saved`` once its writes
are committed, ``sending`` before each write, and ``drained`` when the outbox is empty.
With ``--die-after-answers`` it SIGKILLs itself right after the K-th answer from the
hub, before the outbox records the delivery: the worst moment for exactly-once.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from pathlib import Path
from typing import Any

from kiosk.backend.backoff import Backoff
from kiosk.backend.client import HubClient, HubResponse
from kiosk.backend.keystore import FileKeyStore
from kiosk.backend.outbox import Outbox
from kiosk.core.clock import SystemClock


class DyingWriter:
    def __init__(self, inner: HubClient, die_after: int | None) -> None:
        self.inner = inner
        self.die_after = die_after
        self.answers = 0

    async def write(
        self, method: str, path: str, body: Any, *, idempotency_key: str, bearer: str | None = None
    ) -> HubResponse:
        print("sending", idempotency_key, flush=True)
        response = await self.inner.write(
            method, path, body, idempotency_key=idempotency_key, bearer=bearer
        )
        self.answers += 1
        if self.die_after is not None and self.answers >= self.die_after:
            os.kill(os.getpid(), signal.SIGKILL)
        return response


async def main(args: argparse.Namespace) -> int:
    data = Path(args.data)
    outbox = Outbox(data, FileKeyStore(data / "keys"), SystemClock(), backoff=Backoff(0.05, 0.5))
    if args.scenario == "steps":
        for n in range(args.save):
            case = "A" if n % 2 == 0 else "B"
            outbox.enqueue(case, "POST", f"/cases/{case}/steps", {"n": n})
    elif args.save:
        # A walk-in case opened while the booth may be offline, then its materials.
        body = {"service": "hpf-withdrawal-purchase", "citizen": {"name": "李四"}}
        outbox.enqueue("walk-in", "POST", "/cases", body, opens_case=True)
        for n in range(args.save - 1):
            outbox.enqueue(
                "walk-in", "POST", "/cases/{case}/materials", {"code": f"m{n}", "doc_type": None}
            )
    print("saved", flush=True)
    async with HubClient(args.hub, args.token, timeout_s=30) as client:
        outbox.start(DyingWriter(client, args.die_after_answers))
        await outbox.wait_until_empty()
        await outbox.stop()
    outbox.close()
    print("drained", flush=True)
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("hub")
    parser.add_argument("token")
    parser.add_argument("--save", type=int, default=0)
    parser.add_argument("--die-after-answers", type=int)
    parser.add_argument("--scenario", choices=["steps", "case"], default="steps")
    sys.exit(asyncio.run(main(parser.parse_args())))
