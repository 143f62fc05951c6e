"""A booth process for the SIGKILL fault test: the composition root, headless, real parts.

Run as ``python -m tests.e2e.booth_child STATE_DIR HUB_URL TOKEN LOCKER_PORT PHASE``.
It builds the booth as ``kiosk run`` does (``kiosk.booth.root.Booth`` with its hub link,
outbox, session journal and recovery, and ``BoothUi`` offscreen), with the locker board
on ``LOCKER_PORT`` (the test's emulator on a pty, which outlives this process).

``deposit``: a citizen session opens an enterprise-deregistration case (story A, through
the outbox), keeps a captured page in the session vault, and posts her originals in the
locker through the workflow's Locker port (``kiosk.booth.locker.BoothLocker``: a slot
for the case, the door followed open and closed with an item inside, the deposit saved
in the outbox). Right after the deposit is saved it SIGKILLs itself: the deposit is
still pending, the session still open. Prints ``case <hub id>``, ``slot <n>``,
``deposited``.

``restart``: the same booth started again on the same state. Recovery decides for the
interrupted session; the outbox delivers what was pending; the hub hears of the end.
Prints ``recovered <decision> <pending writes>``, then ``drained`` once the outbox is
empty and the journal has no unfinished session, then ``other-slot <n>`` (the slot the
locker would give the next case) and exits 0.

The workflow itself is not run here (story A's steps before the locker need clerks in
browsers): the driver calls the Locker port the way the workflow runner does for
``OpenSlot`` and ``WatchSlot``.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from pathlib import Path
from typing import Any

from tests.e2e.harness import say
from tests.hub.conftest import image_bytes

SERVICE = "enterprise-deregistration"
WAIT_S = 60.0


def build(state: Path, hub_url: str, token: str, locker_port: str) -> tuple[Any, Any]:
    from tests.e2e.harness import child_booth, on_port

    return child_booth(
        state, hub_url, token, lambda c: on_port(c, "locker", locker_port, locker_poll_s=0.05)
    )


async def deposit(booth: Any, ui: Any) -> None:
    from kiosk.backend.hub_port import BoothHub
    from kiosk.booth.locker import BoothLocker

    ui.start_session()
    vault = ui.session
    # A real JPEG: the hub checks an upload is the image it says it is.
    vault.put("business_license-1.jpg", image_bytes("JPEG", (60, 40)))
    session_id = vault.session_id
    case_id = uuid.uuid4().hex
    hub = BoothHub(booth.outbox, booth.channel, images=vault.get, session_id=session_id)
    hub.open_case(case_id, SERVICE, name="陈丽")
    booth.sessions.add_case(session_id, case_id)
    opening = next(e for e in booth.outbox.entries(session_id=session_id) if e.opens_case)
    response = await asyncio.wait_for(booth.outbox.delivered(opening.idempotency_key), WAIT_S)
    say("case", response.body["id"])
    locker = BoothLocker(
        booth.locker, booth.outbox, booth.channel, session_id=session_id, case_id=case_id
    )
    slot = await locker.open_slot(case_id)  # the runner's OpenSlot
    say("slot", slot)
    if not await locker.wait_closed(slot):  # the runner's WatchSlot: closed, item inside
        raise AssertionError("the locker reported no item")
    say("deposited")
    os.kill(os.getpid(), signal.SIGKILL)  # before the outbox can send the deposit


async def restart(booth: Any) -> None:
    from tests.e2e.harness import poll

    for outcome in booth.recovered:
        say("recovered", outcome.decision.value, outcome.pending_writes)
    await asyncio.wait_for(booth.outbox.wait_until_empty(), WAIT_S)
    await poll(lambda: not booth.journal.unfinished(), "the hub to hear of the session's end")
    say("drained")
    bank = booth.locker
    other = await bank.assign("the-next-case", bank.sizes[0])
    bank.release("the-next-case")
    say("other-slot", other)


async def main(state: Path, hub_url: str, token: str, locker_port: str, phase: str) -> int:
    from kiosk.backend.channel import ConnectionState

    booth, ui = build(state, hub_url, token, locker_port)
    ui.show()
    try:
        await booth.start(ui)
        if booth.locker is None:
            raise RuntimeError("the locker did not open")
        await asyncio.wait_for(booth.channel.wait_for(ConnectionState.ONLINE), WAIT_S)
        if phase == "deposit":
            await deposit(booth, ui)
        else:
            await restart(booth)
    finally:
        ui.close()
        await booth.stop()
    return 0


if __name__ == "__main__":
    from tests.e2e.harness import run_headless

    state_dir, url, booth_token, port, which = sys.argv[1:6]
    sys.exit(run_headless(lambda: main(Path(state_dir), url, booth_token, port, which)))
