from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import Config, load_config
from kiosk.core.errors import ConfigError


def test_defaults_without_a_file() -> None:
    config = load_config(environ={})
    assert config == Config()
    assert config.source == "<defaults>"


def test_file_and_environment_override(tmp_path: Path) -> None:
    path = tmp_path / "booth.toml"
    path.write_text(
        '[booth]\nid = "tianhe-07"\norientation = "landscape"\n'
        '[devices.locker]\nport = "/dev/xiaowu-locker"\n',
        encoding="utf-8",
    )
    config = load_config(
        path,
        environ={"XIAOWU_BOOTH__IDLE_TIMEOUT_S": "45", "XIAOWU_CALL__STUN_URLS": "stun:a, stun:b"},
    )
    assert config.booth.id == "tianhe-07"
    assert config.booth.orientation == "landscape"
    assert config.booth.idle_timeout_s == 45.0
    assert config.devices.locker.port == "/dev/xiaowu-locker"
    assert config.devices.locker.profile == "kerong-cu16"
    assert config.call.stun_urls == ("stun:a", "stun:b")
    assert config.source == str(path)


def test_every_error_is_reported_at_once_with_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        '[booth]\norientation = "diagonal"\nidle_timeout_s = "soon"\ncolour = 1\n'
        '[devices.locker]\nbaud = "9600"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_config(path, environ={"XIAOWU_HUB__TIMEOUT_S": "never"})
    problems = info.value.problems
    assert len(problems) == 5
    text = "\n".join(problems)
    for key in (
        "booth.orientation",
        "booth.idle_timeout_s",
        "booth.colour",
        "devices.locker.baud",
        "hub.timeout_s",
    ):
        assert key in text
    assert all(p.startswith(str(path)) for p in problems)


def test_config_is_frozen() -> None:
    config = load_config(environ={})
    with pytest.raises(AttributeError):
        config.booth.id = "x"  # type: ignore[misc]


def test_missing_and_broken_files_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml", environ={})
    broken = tmp_path / "broken.toml"
    broken.write_text("[booth\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(broken, environ={})


def test_config_path_from_environment(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[hub]\nurl = "https://hub.district.example"\n', encoding="utf-8")
    config = load_config(environ={"XIAOWU_CONFIG": str(path)})
    assert config.hub.url == "https://hub.district.example"
