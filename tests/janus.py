"""A real Janus (VideoRoom only) on 127.0.0.1 for the SFU tests.

The fixture writes its own config folder: ``janus.jcfg`` loads only the VideoRoom plugin
and the HTTP transport (every other plugin, transport, event handler and logger in the
package's folders is disabled by name), binds the HTTP API and the admin API to 127.0.0.1
on free ports, protects the admin API with :data:`ADMIN_SECRET`, turns on token auth (so
only tokens added through the admin API may create sessions) and sets no STUN server (no
public lookup). Readiness is a bounded poll of ``GET /janus/info``, not a sleep. Without
the ``janus`` binary the fixture skips, naming the Debian package.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from kiosk.hub.server import free_port

JANUS = shutil.which("janus")
ADMIN_SECRET = "janus-admin-secret-for-tests"
READY_TIMEOUT_S = 20.0
_LIB = Path("/usr/lib") / "x86_64-linux-gnu" / "janus"


@dataclass(frozen=True)
class JanusServer:
    """Where the test Janus answers."""

    url: str  # the Janus HTTP API, e.g. http://127.0.0.1:PORT/janus
    admin_url: str  # the admin API, e.g. http://127.0.0.1:PORT/admin
    admin_secret: str
    process: subprocess.Popen[bytes]


def _library_dir() -> Path:
    found = sorted(Path("/usr/lib").glob("*/janus"))
    return found[0] if found else _LIB


def _others(folder: Path, keep: str) -> str:
    names = sorted(p.name for p in folder.glob("*.so") if p.name != keep) if folder.is_dir() else []
    return ",".join(names)


def write_config(directory: Path, port: int, admin_port: int) -> Path:
    """The config folder of a loopback-only, VideoRoom-only Janus with token auth."""
    lib = _library_dir()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "janus.jcfg").write_text(
        f"""general: {{
    configs_folder = "{directory}"
    plugins_folder = "{lib / "plugins"}"
    transports_folder = "{lib / "transports"}"
    events_folder = "{lib / "events"}"
    loggers_folder = "{lib / "loggers"}"
    log_to_stdout = true
    debug_level = 4
    admin_secret = "{ADMIN_SECRET}"
    token_auth = true
    protected_folders = ["/bin", "/boot", "/dev", "/etc", "/initrd", "/lib", "/lib32",
        "/lib64", "/proc", "/sbin", "/sys", "/usr", "/var"]
}}
media: {{
    rtp_port_range = "20000-40000"
}}
nat: {{
    nice_debug = false
    ice_enforce_list = "lo"
    ignore_mdns = true
}}
plugins: {{
    disable = "{_others(lib / "plugins", "libjanus_videoroom.so")}"
}}
transports: {{
    disable = "{_others(lib / "transports", "libjanus_http.so")}"
}}
events: {{
    broadcast = false
    disable = "{_others(lib / "events", "")}"
}}
loggers: {{
    disable = "{_others(lib / "loggers", "")}"
}}
"""
    )
    (directory / "janus.transport.http.jcfg").write_text(
        f"""general: {{
    json = "compact"
    base_path = "/janus"
    http = true
    port = {port}
    ip = "127.0.0.1"
    https = false
}}
admin: {{
    admin_base_path = "/admin"
    admin_http = true
    admin_port = {admin_port}
    admin_ip = "127.0.0.1"
    admin_https = false
}}
cors: {{
}}
"""
    )
    (directory / "janus.plugin.videoroom.jcfg").write_text("general: {\n}\n")
    return directory


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout_s: float) -> dict[str, object]:
    """Poll ``GET {url}/info`` until Janus answers; fail if it exits or the bound passes."""
    deadline = time.monotonic() + timeout_s
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"janus exited with {process.returncode} before answering")
        try:
            reply = httpx.get(f"{url}/info", timeout=1.0)
            if reply.status_code == 200 and reply.json().get("janus") == "server_info":
                info: dict[str, object] = reply.json()
                return info
        except httpx.HTTPError as error:
            last_error = error
        time.sleep(0.1)  # a bounded poll of a readiness probe, not a wait for an effect
    raise TimeoutError(f"janus did not answer {url}/info in {timeout_s} s ({last_error})")


@pytest.fixture
def janus_server(tmp_path: Path) -> Iterator[JanusServer]:
    """A real Janus on 127.0.0.1, stopped after the test."""
    if JANUS is None:
        pytest.skip("Janus is not installed (apt-get install janus: packaging/apt-packages.txt)")
    port, admin_port = free_port(), free_port()
    config = write_config(tmp_path / "janus", port, admin_port)
    log = (tmp_path / "janus.log").open("wb")
    process = subprocess.Popen(
        [JANUS, "--configs-folder", str(config), "--config", str(config / "janus.jcfg")],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = JanusServer(
        url=f"http://127.0.0.1:{port}/janus",
        admin_url=f"http://127.0.0.1:{admin_port}/admin",
        admin_secret=ADMIN_SECRET,
        process=process,
    )
    try:
        wait_ready(server.url, process, READY_TIMEOUT_S)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log.close()
