"""HubClient: headers, ETag, and how httpx's answers become our errors."""

from __future__ import annotations

import json

import httpx
import pytest

from kiosk.backend.client import HubClient, HubRequestRejected
from kiosk.core.errors import HubRejected, HubUnavailable

DOC = {"version": "7", "departments": [], "services": []}


def _client(handler: httpx.MockTransport | None = None, **kw: object) -> HubClient:
    return HubClient("http://hub.test:8470/", "tok-123", transport=handler, **kw)  # type: ignore[arg-type]


async def test_sends_the_booth_token_and_reads_health() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200, json={"status": "ok", "version": "1.2", "db": "ok", "booths_online": 3}
        )

    async with _client(httpx.MockTransport(handler)) as client:
        health = await client.health()
    assert health.status == "ok" and health.booths_online == 3
    assert seen[0].url == "http://hub.test:8470/api/v1/health"
    assert seen[0].headers["Authorization"] == "Bearer tok-123"


async def test_catalog_uses_etag_and_understands_304() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.headers.get("If-None-Match") == '"v7"':
            return httpx.Response(304, headers={"ETag": '"v7"'})
        return httpx.Response(200, json=DOC, headers={"ETag": '"v7"'})

    async with _client(httpx.MockTransport(handler)) as client:
        first = await client.catalog()
        second = await client.catalog(first.etag)
    assert first.document == DOC and first.etag == '"v7"' and not first.not_modified
    assert second.not_modified and second.document is None and second.etag == '"v7"'


async def test_a_4xx_carries_the_hubs_code() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            404, json={"error": {"code": "case_not_found", "message": "no such case"}}
        )

    async with _client(httpx.MockTransport(handler)) as client:
        with pytest.raises(HubRejected) as info:
            await client.write("POST", "/cases/x/events", {"a": 1}, idempotency_key="k1")
    assert info.value.code == "case_not_found"
    assert isinstance(info.value, HubRequestRejected) and info.value.status == 404
    assert not info.value.is_auth_problem


async def test_writes_carry_their_idempotency_key_and_body() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json={"id": "c1"})

    async with _client(httpx.MockTransport(handler)) as client:
        result = await client.write("post", "/cases", {"service": "s"}, idempotency_key="key-9")
        with pytest.raises(ValueError):
            await client.write("POST", "/cases", {}, idempotency_key="")
    assert result.status == 201 and result.body == {"id": "c1"}
    assert seen[0].method == "POST" and seen[0].headers["Idempotency-Key"] == "key-9"
    assert json.loads(seen[0].content) == {"service": "s"}


@pytest.mark.parametrize("status", [500, 502, 503, 429, 408])
async def test_server_errors_and_throttling_mean_unavailable(status: int) -> None:
    async with _client(httpx.MockTransport(lambda r: httpx.Response(status))) as client:
        with pytest.raises(HubUnavailable):
            await client.health()


async def test_transport_errors_become_hub_unavailable_with_the_cause() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    async with _client(httpx.MockTransport(refuse)) as client:
        with pytest.raises(HubUnavailable) as info:
            await client.catalog()
    assert isinstance(info.value.__cause__, httpx.ConnectError)


async def test_a_closed_port_is_unavailable_not_a_crash(unused_tcp_port: int) -> None:
    async with HubClient(f"http://127.0.0.1:{unused_tcp_port}", "t", timeout_s=2) as client:
        with pytest.raises(HubUnavailable):
            await client.health()


def test_websocket_url_follows_the_scheme() -> None:
    assert HubClient("http://h:1/", "t").websocket_url() == "ws://h:1/ws/booth"
    assert HubClient("https://h/base", "t").websocket_url() == "wss://h/base/ws/booth"
