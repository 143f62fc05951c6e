"""``[hub_server.federation]``: peers and keys read from the config file, every mistake
reported with its key."""

from __future__ import annotations

import pytest

from kiosk.config import load_config
from kiosk.core.errors import ConfigError
from kiosk.hub.federation import FederationSettings
from kiosk.hub.federation_signing import generate_private_key_b64, load_private_key, public_key_b64


def _write(tmp_path, peers: str, key_file: str) -> str:
    path = tmp_path / "hub.toml"
    path.write_text(
        "[hub_server.federation]\n"
        'region = "440113"\n'
        f'key_file = "{key_file}"\n'
        f"peers = [{peers}]\n"
        'shared_services = ["hpf-account-transfer"]\n',
        encoding="utf-8",
    )
    return str(path)


def test_peers_and_key_come_from_the_config_file(tmp_path):
    own = generate_private_key_b64()
    (tmp_path / "peer.key").write_text(own + "\n")
    theirs = public_key_b64(load_private_key(generate_private_key_b64()))
    config = load_config(
        _write(tmp_path, f'"440300 https://hub.sz.example/ {theirs}"', f"{tmp_path}/peer.key"),
        environ={},
    )
    settings = FederationSettings.from_config(config.hub_server.federation)
    assert settings.enabled and settings.private_key == own
    assert [(p.region, p.url) for p in settings.peers] == [("440300", "https://hub.sz.example")]
    assert settings.shared_services == ("hpf-account-transfer",)


def test_every_mistake_is_reported_with_its_key(tmp_path):
    config = load_config(
        _write(tmp_path, '"440300 ftp://x AAAA", "44 https://x k", "one-word"', "/nonexistent"),
        environ={},
    )
    with pytest.raises(ConfigError) as err:
        FederationSettings.from_config(config.hub_server.federation)
    text = str(err.value)
    for key in ("key_file", "peers[0]", "peers[1]", "peers[2]"):
        assert f"hub_server.federation.{key}" in text
