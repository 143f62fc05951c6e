"""The call topology key: ``[call] media`` (mesh by default) and the hub's Janus keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.core.errors import ConfigError
from kiosk.hub.settings import HubSettings


def test_mesh_is_the_default_and_needs_no_janus(tmp_path: Path) -> None:
    path = tmp_path / "k.toml"
    path.write_text("")
    config = load_config(path, environ={})
    assert config.call.media == "mesh"
    assert HubSettings.from_config(config.hub_server, config.call).call_media == "mesh"


def test_sfu_carries_the_janus_keys_to_the_hub(tmp_path: Path) -> None:
    path = tmp_path / "k.toml"
    path.write_text(
        '[call]\nmedia = "sfu"\n[hub_server]\njanus_url = "http://127.0.0.1:9088/janus"\n'
        'janus_admin_secret = "s3"\n'
    )
    config = load_config(path, environ={})
    settings = HubSettings.from_config(config.hub_server, config.call)
    assert settings.call_media == "sfu"
    assert settings.janus_url == "http://127.0.0.1:9088/janus"
    assert settings.janus_admin_url == "http://127.0.0.1:7088/admin"
    assert settings.janus_admin_secret == "s3"


def test_sfu_without_the_admin_secret_refuses_to_start(tmp_path: Path) -> None:
    path = tmp_path / "k.toml"
    path.write_text('[call]\nmedia = "sfu"\n')
    config = load_config(path, environ={})
    with pytest.raises(ConfigError, match="janus_admin_secret"):
        HubSettings.from_config(config.hub_server, config.call)


def test_an_unknown_topology_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "k.toml"
    path.write_text('[call]\nmedia = "p2p"\n')
    with pytest.raises(ConfigError, match=r"call\.media"):
        load_config(path, environ={})
