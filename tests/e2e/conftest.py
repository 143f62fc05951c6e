"""Fixtures of the end-to-end stories: a real hub on 127.0.0.1 with its demo clerks."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import load_config
from kiosk.demo.command import start_embedded_hub

# The stories' scripts assert as much as the tests do: let pytest explain their failures.
pytest.register_assert_rewrite(
    "tests.e2e.harness",
    "tests.e2e.story_a_script",
    "tests.e2e.story_b_script",
    "tests.e2e.story_booth",
)


@pytest.fixture(autouse=True)
def _collect_loops_on_the_main_thread() -> None:
    gc.collect()  # see tests/backend/conftest.py: old qasync loops must die on this thread


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Any]:
    """The embedded demo hub (SQLite): one clerk per department, user name = its code."""
    server = start_embedded_hub(load_config(environ={}), tmp_path)
    yield server
    server.stop()
