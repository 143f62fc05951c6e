"""Fault tests: the hub restarted while the booth uploads a story's captured materials.

Story B: the story B script (tests/e2e/story_b_script.py) runs twice, each against its own real
hub: once cleanly, once with the hub stopped right after it accepted the first of the
citizen's materials (the booth is in the middle of its uploads) and started again, on
the same port and database, after his done screen. The citizen's session goes on: he
sees "saved, will be sent" (the offline banner), never an error screen, rates and
finishes. Then the two hubs must hold the same case: materials, form, steps, history,
audit rows, certificates, ratings, and one stored answer per idempotency key the booth
used, with every write the booth sent counted by its key.

Story A: the story A script (tests/e2e/story_a_script.py) runs once, with the hub stopped
right after it accepted the first of her materials (the booth is uploading them and the
tax form through the outbox while she is on video with the tax clerk) and started again,
on the same port and database, once the booth showed "saved, will be sent". The clerks'
consoles reconnect, the clerks go on (checking her licence, inviting social security and
market regulation, issuing both certificates), she rates and leaves. The hub must then
hold the case a clean run leaves (StoryA.expected_case: every step done, the materials
with their trust levels, the deposit, both certificates, her ratings, the clerk's form),
one stored answer per key the booth used, no request stored twice, and the booth nothing
of her. tests/e2e/test_story_a.py checks the same expectation on a clean run.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from kiosk.config import load_config
from kiosk.demo.command import start_embedded_hub
from kiosk.hub.models import (
    AuditEntry,
    Case,
    CaseEvent,
    CaseStep,
    Certificate,
    IdempotentResponse,
    MaterialRecord,
    Rating,
)
from tests.e2e import story_a_script
from tests.e2e.harness import fast_reconnect, until
from tests.e2e.story_a_script import StoryA, run_story_a
from tests.e2e.story_b_script import Faults, StoryRun, walk_in_withdrawal

MATERIALS = "/materials"


class HubHandle:
    """The hub of one run; restartable on the same port and database."""

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir
        self.config = load_config(environ={})
        self.server = start_embedded_hub(self.config, state_dir)
        self.port = self.server.port
        self.url = self.server.url

    def register_booth(self, booth_id: str) -> str:
        return str(self.server.register_booth(booth_id))

    @property
    def state(self) -> Any:
        """The hub's state (its database), of the server running now."""
        return self.server.state

    def stop(self) -> None:
        self.server.stop()

    def start_again(self) -> None:
        self.server = start_embedded_hub(self.config, self.state_dir, port=self.port)
        assert self.server.url == self.url


class RecordedWrites(Faults):
    """Records every write the booth's outbox sends, with its idempotency key."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []  # (key, method, path), retries included

    def booth_built(self, booth: Any) -> None:
        inner = booth.client.write

        async def write(method: str, path: str, body: Any, **kw: Any) -> Any:
            self.sent.append((kw["idempotency_key"], method, path))
            return await self.answered(method, path, await inner(method, path, body, **kw))

        booth.client.write = write

    async def answered(self, method: str, path: str, response: Any) -> Any:
        return response


class HubRestart(RecordedWrites):
    """Stop the hub once it accepted the first material; start it again after 'done'."""

    keeps_screenshots = False

    def __init__(self, hub: HubHandle) -> None:
        super().__init__()
        self.hub = hub
        self.stopped = asyncio.Event()
        self.errors: list[str] = []
        self.pending_when_stopped = 0
        self.booth: Any = None

    def booth_built(self, booth: Any) -> None:
        super().booth_built(booth)
        self.booth = booth

    async def answered(self, method: str, path: str, response: Any) -> Any:
        if path.endswith(MATERIALS) and not self.stopped.is_set():
            await asyncio.to_thread(self.hub.stop)  # the booth is mid-upload
            self.stopped.set()
        return response

    async def while_uploading(self, booth: Any, ui: Any) -> None:
        bridge = ui.bridge
        bridge.error_shown.connect(self.errors.append)
        await asyncio.wait_for(self.stopped.wait(), 60)
        await until(bridge.online_changed, lambda: not bridge.online, "the offline banner")
        banner = ui.window.banner
        assert banner.isVisible() and "自动提交" in banner.text()  # saved, will be sent
        self.pending_when_stopped = booth.outbox.pending()
        assert self.pending_when_stopped > 0  # the uploads were cut in the middle

    async def after_done(self, booth: Any, ui: Any) -> None:
        assert ui.bridge.screen == "done" and not self.errors, self.errors
        assert booth.outbox.pending() >= self.pending_when_stopped  # kept, none lost
        await asyncio.to_thread(self.hub.start_again)


def case_state(hub: HubHandle, run: StoryRun, writes: RecordedWrites) -> dict[str, Any]:
    """What the hub holds of the run's case, with its ids replaced by placeholders."""
    ids: dict[str, str] = {run.hub_case_id: "<case>"}

    def plain(text: str) -> str:
        for real, name in ids.items():
            text = text.replace(real, name)
        return re.sub(r"\b[0-9a-f]{32}\b", "<id>", text)

    with hub.server.state.db() as db:
        case = db.get(Case, run.hub_case_id)
        assert case is not None
        ids[case.citizen_ref] = "<citizen>"
        materials = db.scalars(
            select(MaterialRecord).where(MaterialRecord.case_id == case.id)
        ).all()
        certificates = db.scalars(select(Certificate).where(Certificate.case_id == case.id)).all()
        for m in materials:
            ids[m.id] = f"<material {m.code}>"
        for c in certificates:
            ids[c.id] = f"<certificate {c.title}>"
        subjects = {f"case:{case.id}", *(f"material:{m.id}" for m in materials)}
        subjects |= {f"certificate:{c.id}" for c in certificates}
        audit = db.scalars(select(AuditEntry).where(AuditEntry.subject.in_(subjects))).all()
        history = db.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
        ).all()
        steps = db.scalars(
            select(CaseStep).where(CaseStep.case_id == case.id).order_by(CaseStep.position)
        ).all()
        ratings = db.scalars(select(Rating).where(Rating.case_id == case.id)).all()
        stored = db.scalars(select(IdempotentResponse)).all()
        state = {
            "status": case.status,
            "form": dict(case.form or {}),
            "materials": sorted(
                (
                    m.code,
                    m.doc_type,
                    m.trust_level,
                    json.dumps(m.ocr_fields, sort_keys=True, ensure_ascii=False),
                    hashlib.sha256(m.image or b"").hexdigest(),
                )
                for m in materials
            ),
            # Who did each step: the booth, a clerk, the rules, or the citizen (her ratings).
            "steps": [(s.position, s.kind, s.status, plain(s.done_by or "")) for s in steps],
            "history": [(plain(e.actor), e.what, plain(json.dumps(e.detail))) for e in history],
            "audit": sorted(
                Counter(
                    (plain(a.actor), a.action, plain(a.subject), plain(a.detail)) for a in audit
                ).items()
            ),
            "certificates": [(c.title, c.department, c.kind, c.issued_by) for c in certificates],
            "ratings": sorted((r.target, r.level) for r in ratings),
        }
        keys = {key for key, _, _ in writes.sent}
        stored_keys = [r.key for r in stored]
    # Every key the booth used has exactly one stored answer on the hub: one effect each.
    assert sorted(stored_keys) == sorted(keys), (len(stored_keys), len(keys))
    state["writes"] = sorted(Counter(plain(f"{m} {p}") for _, m, p in set(writes.sent)).items())
    return state


@pytest.mark.slow
async def test_hub_restarted_during_story_b_uploads_ends_like_a_clean_run(
    tmp_path: Path, qapp: Any, qtbot: Any
) -> None:
    clean_dir, fault_dir = tmp_path / "clean", tmp_path / "restart"
    clean_dir.mkdir()
    fault_dir.mkdir()
    clean_hub, fault_hub = HubHandle(clean_dir), HubHandle(fault_dir)
    try:
        clean = RecordedWrites()
        clean_run = await walk_in_withdrawal(
            clean_hub,
            clean_dir,
            qapp,
            qtbot,
            faults=clean,
            adjust=fast_reconnect,
            phone_in_browser=False,
        )
        restart = HubRestart(fault_hub)
        fault_run = await walk_in_withdrawal(
            fault_hub,
            fault_dir,
            qapp,
            qtbot,
            faults=restart,
            adjust=fast_reconnect,
            phone_in_browser=False,
        )
        expected = case_state(clean_hub, clean_run, clean)
        got = case_state(fault_hub, fault_run, restart)
        for part in expected:
            assert got[part] == expected[part], part
        retried = len(restart.sent) - len({key for key, _, _ in restart.sent})
        print(
            f"hub restart: {restart.pending_when_stopped} writes waited in the outbox, "
            f"{retried} sent again with their key, {len(expected['writes'])} kinds of write, "
            f"{sum(n for _, n in expected['audit'])} audit rows, same case as the clean run"
        )
        assert retried > 0  # the booth did try while the hub was away
    finally:
        clean_hub.stop()
        fault_hub.stop()


class HubRestartDuringStoryA(story_a_script.Faults):
    """Story B's fault in story A: the hub stopped once it accepted her first material,
    the booth showing "saved, will be sent"; then the hub started again at once (the
    clerks are waiting for her materials) and the booth back online."""

    def __init__(self, hub: HubHandle) -> None:
        self.restart = HubRestart(hub)

    def booth_built(self, booth: Any) -> None:
        self.restart.booth_built(booth)

    async def while_uploading(self, story: StoryA) -> None:
        booth = story.booth
        await self.restart.while_uploading(booth.booth, booth.ui)
        assert story.rows("MaterialRecord", "id"), "the hub stopped after her first material"
        await asyncio.to_thread(self.restart.hub.start_again)
        bridge = booth.bridge
        await until(bridge.online_changed, lambda: bridge.online, "the booth back online")


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.timeout(600)
async def test_hub_restarted_during_story_a_uploads_ends_like_a_clean_run(
    tmp_path: Path, qapp: Any
) -> None:
    hub = HubHandle(tmp_path)
    fault = HubRestartDuringStoryA(hub)
    try:
        story = await run_story_a(
            hub, tmp_path, faults=fault, adjust=fast_reconnect, built=fault.booth_built
        )
        with hub.state.db() as db:
            stored = set(db.scalars(select(IdempotentResponse.key)))
    finally:
        hub.stop()
    restart = fault.restart
    assert not restart.errors, restart.errors  # she never saw an error screen
    sent = Counter(key for key, _, _ in restart.sent)
    assert set(sent) <= stored  # every write the booth sent has its one answer on the hub
    retried = sum(n - 1 for n in sent.values())
    assert retried > 0  # the booth did try while the hub was away
    print(
        f"hub restart in story A: {restart.pending_when_stopped} writes waited in the outbox, "
        f"{retried} sent again with their key, {len(sent)} writes, case {story.case_id[:8]} "
        "as a clean run leaves it"
    )
