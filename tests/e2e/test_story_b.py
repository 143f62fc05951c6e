"""Story B (docs/architecture.md) end to end: a walk-in withdraws provident fund, self-service.

The script (tests/e2e/story_b_script.py) is the citizen at the booth: a real hub on
127.0.0.1, the booth app offscreen with emulated devices, generated photos under the
document camera, real OCR, the digital clerk in text mode, no clerk. It ends with the
fund centre's receipt, issued by the hub's rules, on his phone (the citizen API and PDF).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.story_b_script import STORY_LIMIT_S, walk_in_withdrawal


@pytest.mark.slow
async def test_story_b_walk_in_withdrawal_self_service(
    hub: Any, tmp_path: Path, qapp: Any, qtbot: Any
) -> None:
    run = await walk_in_withdrawal(hub, tmp_path, qapp, qtbot)
    assert run.hub_case_id and 0 < run.session_s < STORY_LIMIT_S
    assert len(run.screenshots) >= 10
