"""The test Janus itself: loopback only, VideoRoom only, token auth, admin behind a secret."""

from __future__ import annotations

import subprocess

import httpx

from tests.janus import JanusServer, janus_server  # noqa: F401  (pytest fixture)


def _create_session(server: JanusServer, token: str | None) -> dict[str, object]:
    body: dict[str, object] = {"janus": "create", "transaction": "t1"}
    if token is not None:
        body["token"] = token
    reply: dict[str, object] = httpx.post(server.url, json=body, timeout=5).json()
    return reply


def test_janus_loads_only_videoroom_and_http(janus_server: JanusServer) -> None:  # noqa: F811
    info = httpx.get(f"{janus_server.url}/info", timeout=5).json()
    assert set(info["plugins"]) == {"janus.plugin.videoroom"}
    assert set(info["transports"]) == {"janus.transport.http"}
    assert info["auth_token"] is True


def test_janus_listens_on_loopback_only(janus_server: JanusServer) -> None:  # noqa: F811
    pid = janus_server.process.pid
    listening = subprocess.run(
        ["ss", "-Hltnp"], capture_output=True, text=True, timeout=10, check=True
    ).stdout
    mine = [line for line in listening.splitlines() if f"pid={pid}," in line]
    assert mine, listening
    for line in mine:
        local = line.split()[3]
        assert local.startswith("127.0.0.1:"), line


def test_session_needs_a_token_added_through_admin(janus_server: JanusServer) -> None:  # noqa: F811
    refused = _create_session(janus_server, None)
    assert refused["janus"] == "error"
    refused = _create_session(janus_server, "made-up-token")
    assert refused["janus"] == "error"

    denied = httpx.post(
        janus_server.admin_url,
        json={"janus": "add_token", "token": "t-ok", "transaction": "a0", "admin_secret": "wrong"},
        timeout=5,
    ).json()
    assert denied["janus"] == "error"

    added = httpx.post(
        janus_server.admin_url,
        json={
            "janus": "add_token",
            "token": "t-ok",
            "plugins": ["janus.plugin.videoroom"],
            "transaction": "a1",
            "admin_secret": janus_server.admin_secret,
        },
        timeout=5,
    ).json()
    assert added["janus"] == "success", added
    created = _create_session(janus_server, "t-ok")
    assert created["janus"] == "success", created
