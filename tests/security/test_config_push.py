"""Threat: a config push points a booth at another server or weakens it (hub.url,
hub.token, the operator PIN, device ports), or a push not from the booth's hub is taken.

Controls: the allow-list kiosk.core.pushable, checked by the hub before sending
(kiosk.hub.api_ops.push_config) and by the booth on arrival and at start
(kiosk.booth.ops.nest); every push signed with the hub's Ed25519 key and checked by the
booth against ``[hub] push_key`` (kiosk.core.push_signing).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from kiosk.booth.ops import PUSHED_FILE, ConfigRefused, nest, with_pushed_settings
from kiosk.config import Config
from kiosk.core.push_signing import sign_push
from kiosk.hub.api_ops import PUSH_KEY_PURPOSE
from kiosk.hub.models import AuditEntry
from kiosk.hub.server import HubServer
from tests.e2e.harness import demo_booth, story_config
from tests.hub.conftest import Hub, hub_settings

# What a hostile push would set: where the booth's token and citizens' data go, who may
# leave the kiosk app, which device is the door or the ID-card reader.
HOSTILE = (
    {"hub.url": "http://203.0.113.9:8470"},
    {"hub.token": "bt_stolen"},
    {"hub.push_key": "AAAA"},
    {"booth.operator_pin_hash": "x"},
    {"booth.fullscreen": False},
    {"booth.data_dir": "/tmp/x"},
    {"devices.door.port": "/dev/ttyUSB9"},
    {"devices.idcard.port": "/dev/ttyUSB8"},
    {"call.turn_urls": ["turn:203.0.113.9:3478"]},
    {"speech.microphone": "/tmp/recorded.wav"},
    {"log_level": "DEBUG"},
)


def test_the_hub_refuses_hostile_keys_before_sending(hub: Hub) -> None:
    token = hub.booth("booth-1")
    booth = hub.ws("/ws/booth", token)
    booth.wait_for(lambda f: f.get("type") == "welcome")
    operator = hub.clerk("ops", "tax", ("operator",), operator_scope="*")
    for settings in HOSTILE:
        body = {"settings": {**settings, "booth.idle_timeout_s": 60}}
        r = hub.post(operator, "/api/v1/ops/booths/booth-1/config", body)
        assert r.status_code == 422, r.text
        error = r.json()["error"]
        assert error["code"] == "config_locked_key"
        assert error["details"]["keys"] == sorted(settings)
    # nothing reached the booth: a harmless push after them is the first command it sees
    harmless = {"settings": {"ops.alert_rss_mb": 1}}
    r = hub.post(operator, "/api/v1/ops/booths/booth-1/config", harmless)
    assert r.status_code == 409  # this booth does not answer commands; it was sent though
    frame = booth.wait_for(lambda f: f.get("type") == "command")
    assert frame["data"]["settings"] == {"ops.alert_rss_mb": 1}
    with hub.state.sessions() as db:
        subject = AuditEntry.subject == "booth:booth-1"
        details = list(db.scalars(select(AuditEntry.detail).where(subject)))
    refused = [d for d in details if d.endswith("-> config_locked_key")]
    assert len(refused) == len(HOSTILE), details


@pytest.mark.parametrize("settings", HOSTILE, ids=lambda s: next(iter(s)))
def test_the_booth_refuses_hostile_keys(settings: dict[str, Any]) -> None:
    with pytest.raises(ConfigRefused) as caught:
        nest({**settings, "booth.idle_timeout_s": 60})
    assert caught.value.code == "config_locked_key"
    assert any(next(iter(settings)) in p for p in caught.value.problems)


def test_a_hostile_key_kept_on_disk_is_not_applied_at_start(tmp_path: Path) -> None:
    """A push kept before the allow-list (or written by hand) does not move the booth."""
    (tmp_path / PUSHED_FILE).write_text(json.dumps({"hub.url": "http://203.0.113.9"}))
    assert with_pushed_settings(Config(), tmp_path).hub.url == Config().hub.url


@pytest.fixture
def demo_hub(tmp_path: Path) -> Iterator[HubServer]:
    server = HubServer(hub_settings(f"sqlite:///{tmp_path / 'hub.sqlite3'}")).start()
    yield server
    server.stop()


async def test_the_booth_takes_only_pushes_signed_by_its_hub(
    demo_hub: HubServer, tmp_path: Path, qapp: Any
) -> None:
    config = story_config(demo_hub, tmp_path)
    assert config.hub.push_key == demo_hub.push_key()
    seed = demo_hub.state.links.derive(PUSH_KEY_PURPOSE)
    other_seed = bytes(32)
    now = dt.datetime.now(dt.UTC)
    me = config.booth.id
    good = {"booth.idle_timeout_s": 77}
    attempts = {
        "config_unsigned": {"settings": good},
        "config_bad_signature": sign_push(other_seed, me, good, now),
        "config_stale": sign_push(seed, me, good, now - dt.timedelta(hours=2)),
    }
    for_another = sign_push(seed, "another-booth", good, now)
    tampered = {**sign_push(seed, me, good, now), "settings": {"booth.idle_timeout_s": 1}}
    async with demo_booth(config, qapp) as (booth, _ui):
        before = booth.config

        async def push(data: dict[str, Any]) -> str:
            with pytest.raises(ConfigRefused) as caught:
                await booth.ops.on_config_command(SimpleNamespace(data=data))
            return caught.value.code

        for code, data in attempts.items():
            assert await push(data) == code
        assert await push(for_another) == "config_bad_signature"
        assert await push(tampered) == "config_bad_signature"
        # signed by the hub itself (a hub bypassing its own check): still refused
        for settings in HOSTILE:
            assert await push(sign_push(seed, me, settings, now)) == "config_locked_key"
        assert booth.config == before
        assert not (booth.data / PUSHED_FILE).exists()
        # and a genuine push is taken
        await booth.ops.on_config_command(SimpleNamespace(data=sign_push(seed, me, good, now)))
        assert booth.config == dataclasses.replace(
            before, booth=dataclasses.replace(before.booth, idle_timeout_s=77.0)
        )
