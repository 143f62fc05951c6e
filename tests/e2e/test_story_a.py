"""Story A (docs/architecture.md) end to end: enterprise deregistration by appointment.

The script (tests/e2e/story_a_script.py) plays every person: a real hub on 127.0.0.1
with its demo clerks; the booth built by the composition root (``DemoBooth``: hub link,
outbox, emulated door relay, locker board and GA 467 ID-card reader on ptys, generated
photos under the document camera) with its UI offscreen; in Debian's Chromium, the
citizen page on her phone and the clerks on the real /console: general desk, tax, social
security (for the consultation) and market regulation, who accept the booth's call and
invite each other.

It checks the door pulse the relay emulator saw, the invitations (each clerk's video
tile at the booth), the captured materials on the hub and one verified against the
original (C -> B), the deposit seen by the locker emulator and recorded on the hub, both
certificates on the citizen page, a rating per item and per clerk, the hub's case as a
whole against what the people did (every step done, each write once), and that the
booth holds nothing of her afterwards.

Screenshots of every booth screen passed through go to ``tmp_path/shots`` (and to the
folder named by ``STORY_SCREENSHOTS_DIR`` when set, which is how docs/story-a/ was made).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.story_a_script import run_story_a

# Four browsers, WebRTC to the booth, OCR: ~70 s on an idle machine, longer when the two
# cores are shared; the suite's 300 s limit is for tests that hang, not for this one.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(600)]


async def test_story_a_enterprise_deregistration_by_appointment(
    hub: Any, tmp_path: Path, qapp: Any
) -> None:
    story = await run_story_a(hub, tmp_path)
    assert story.case_id and story.slot
    assert len(list((tmp_path / "shots").glob("*.png"))) >= 15
