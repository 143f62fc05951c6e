"""Pushed configuration (kiosk.booth.ops): checked by key, kept, and never a reason for a
booth not to start."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.booth.ops import PUSHED_FILE, ConfigRefused, nest, with_pushed_settings
from kiosk.config import Config


def test_dotted_keys_nest_into_sections() -> None:
    assert nest({"booth.idle_timeout_s": 90, "devices.locker_poll_s": 0.5}) == {
        "booth": {"idle_timeout_s": 90},
        "devices": {"locker_poll_s": 0.5},
    }


@pytest.mark.parametrize(
    ("settings", "code"),
    [
        ({}, "config_empty"),
        ({"booth.nope": 1}, "config_unknown_key"),
        ({"booth": 1}, "config_unknown_key"),  # a section, not a setting
        ({"devices.locker.port.x": 1}, "config_unknown_key"),
        ({"source": "x"}, "config_locked_key"),
        ({"booth.id": "other-booth"}, "config_locked_key"),
        ({"hub_server.port": 1}, "config_locked_key"),
    ],
)
def test_refusals_name_their_reason(settings: dict[str, object], code: str) -> None:
    with pytest.raises(ConfigRefused) as caught:
        nest(settings)
    assert caught.value.code == code
    assert caught.value.problems


def test_kept_settings_apply_over_the_file(tmp_path: Path) -> None:
    (tmp_path / PUSHED_FILE).write_text(json.dumps({"ops.restart_growth_mb": 200}))
    config = with_pushed_settings(Config(), tmp_path)
    assert config.ops.restart_growth_mb == 200
    assert config.booth == Config().booth


@pytest.mark.parametrize(
    "stored", ["{not json", json.dumps({"ops.restart_growth_mb": "lots"}), json.dumps([1])]
)
def test_a_bad_kept_file_is_ignored_not_fatal(tmp_path: Path, stored: str) -> None:
    (tmp_path / PUSHED_FILE).write_text(stored)
    assert with_pushed_settings(Config(), tmp_path) == Config()
