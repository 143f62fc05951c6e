"""A stand-in booth for the hub's browser tests: a real WebSocket client that acks every
command, records them, and answers WebRTC offers with aiortc, sending audio and two
videos (face camera: blue frames, document camera: white frames with a dark square).

It runs its own asyncio loop in a thread so synchronous Playwright tests can drive the
browser meanwhile. The booth's production side lives in kiosk/backend and kiosk/call.
"""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from fractions import Fraction
from typing import Any

import numpy as np
from aiortc import (
    RTCBundlePolicy,
    RTCConfiguration,
    RTCPeerConnection,
    RTCSessionDescription,
    VideoStreamTrack,
)
from aiortc.mediastreams import AudioStreamTrack
from av import VideoFrame
from websockets.asyncio.client import connect

from tests.hub.conftest import door_code_from


class ColourTrack(VideoStreamTrack):
    """Frames of one picture, 320x240."""

    def __init__(self, picture: np.ndarray) -> None:
        super().__init__()
        self._picture = picture

    async def recv(self) -> VideoFrame:
        pts, time_base = await self.next_timestamp()
        frame = VideoFrame.from_ndarray(self._picture, format="rgb24")
        frame.pts, frame.time_base = pts, time_base or Fraction(1, 90000)
        return frame


def face_picture() -> np.ndarray:
    picture = np.zeros((240, 320, 3), dtype=np.uint8)
    picture[:, :, 2] = 200
    return picture


def document_picture() -> np.ndarray:
    picture = np.full((240, 320, 3), 240, dtype=np.uint8)
    picture[80:160, 120:200] = 20
    return picture


def _free() -> dict[str, Any]:
    """The ``session_state`` event of a booth with no citizen session."""
    data = {"active": False}
    return {"type": "event", "id": uuid.uuid4().hex, "name": "session_state", "data": data}


class BoothPeer:
    def __init__(self, ws_url: str, token: str, *, answer_calls: bool = True) -> None:
        self._url = ws_url + "/ws/booth"
        self._token = token
        self._answer_calls = answer_calls
        self.commands: list[dict[str, Any]] = []
        self.acks: dict[str, dict[str, Any]] = {}
        self.peers: dict[str, RTCPeerConnection] = {}
        self._changed = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._ws: Any = None
        self._ready = threading.Event()
        self.welcome: dict[str, Any] = {}

    def start(self) -> BoothPeer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._run(), self._loop)
        if not self._ready.wait(15):
            raise TimeoutError("the booth did not connect")
        return self

    def stop(self) -> None:
        async def close() -> None:
            for pc in self.peers.values():
                await pc.close()
            if self._ws is not None:
                await self._ws.close()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    # -- what tests call ---------------------------------------------------------------
    def wait_command(self, name: str, timeout: float = 15.0, **data: Any) -> dict[str, Any]:
        def find() -> dict[str, Any] | None:
            for c in self.commands:
                if c["name"] == name and all(c["data"].get(k) == v for k, v in data.items()):
                    return c
            return None

        with self._changed:
            if not self._changed.wait_for(lambda: find() is not None, timeout):
                raise TimeoutError(f"no {name} command; got {[c['name'] for c in self.commands]}")
            found = find()
            assert found is not None
            return found

    def event(self, name: str, data: dict[str, Any], timeout: float = 15.0) -> dict[str, Any]:
        """Send an event and wait for the hub's ack."""
        event_id = uuid.uuid4().hex
        frame = {"type": "event", "id": event_id, "name": name, "data": data}
        asyncio.run_coroutine_threadsafe(self._ws.send(json.dumps(frame)), self._loop).result(10)
        with self._changed:
            if not self._changed.wait_for(lambda: event_id in self.acks, timeout):
                raise TimeoutError(f"no ack for {name}")
            return self.acks[event_id]

    def door_link(self, page_url: str) -> str:
        """The address this booth's door QR code shows now."""
        from kiosk.core.door_codes import door_link

        return door_link(page_url, self.welcome["booth_id"], door_code_from(self.welcome))

    def connection_states(self) -> dict[str, str]:
        return {peer: pc.connectionState for peer, pc in self.peers.items()}

    # -- the socket ----------------------------------------------------------------------
    async def _run(self) -> None:
        headers = {"Authorization": f"Bearer {self._token}"}
        async with connect(self._url, additional_headers=headers) as ws:
            self._ws = ws
            async for text in ws:
                frame = json.loads(text)
                if frame["type"] == "welcome":
                    self.welcome = frame
                    await ws.send(json.dumps(_free()))  # as a booth says at every welcome
                    self._ready.set()
                elif frame["type"] == "ping":
                    await ws.send(json.dumps({"type": "pong", "ts": frame["ts"]}))
                elif frame["type"] == "ack":
                    with self._changed:
                        self.acks[frame["id"]] = frame
                        self._changed.notify_all()
                elif frame["type"] == "command":
                    await ws.send(json.dumps({"type": "ack", "id": frame["id"], "ok": True}))
                    with self._changed:
                        self.commands.append(frame)
                        self._changed.notify_all()
                    if frame["name"] == "signal" and self._answer_calls:
                        await self._on_signal(frame["data"])

    async def _on_signal(self, data: dict[str, Any]) -> None:
        peer = data["from"]
        if data["kind"] == "offer":
            pc = RTCPeerConnection(
                RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)
            )
            self.peers[peer] = pc
            await pc.setRemoteDescription(RTCSessionDescription(data["sdp"], "offer"))
            # addTrack reuses the offered transceivers in order: face first, then document.
            pc.addTrack(AudioStreamTrack())
            pc.addTrack(ColourTrack(face_picture()))
            pc.addTrack(ColourTrack(document_picture()))
            await pc.setLocalDescription(await pc.createAnswer())
            await self._ws.send(
                json.dumps(
                    {
                        "type": "event",
                        "id": uuid.uuid4().hex,
                        "name": "signal",
                        "data": {
                            "call_id": data["call_id"],
                            "to": peer,
                            "kind": "answer",
                            "sdp": pc.localDescription.sdp,
                        },
                    }
                )
            )
        elif data["kind"] == "bye" and peer in self.peers:
            await self.peers.pop(peer).close()
