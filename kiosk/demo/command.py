"""``kiosk demo``: the booth with an embedded hub and emulated devices, on one machine.

Starts a real hub on 127.0.0.1 (SQLite in the demo's data folder) with one demo clerk per
department, registers this booth, starts the device emulators on pseudo-terminals
(locker, door relay, ID-card reader, QR scanner), prints the addresses of the clerk
console and the citizen page, and runs the booth app against them.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import tempfile
from pathlib import Path
from typing import Any

from kiosk.booth.root import Booth, apply_arguments
from kiosk.booth.root import add_arguments as add_booth_arguments
from kiosk.config import Config

log = logging.getLogger(__name__)

HELP = "run the booth with an embedded hub and emulated devices (no hardware needed)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_booth_arguments(parser)
    parser.add_argument("--port", type=int, default=0, help="the embedded hub's port (0: any)")
    parser.add_argument("--data", metavar="DIR", help="keep the demo's state here (default: temp)")
    parser.add_argument(
        "--fullscreen",
        action="store_true",
        help="full screen and locked down as at a booth (default: a window fitted to the screen)",
    )


def start_embedded_hub(config: Config, state_dir: Path, port: int = 0) -> Any:
    """A real hub in a background thread, with demo clerks and this booth registered."""
    from kiosk.hub.api_ops import set_limits
    from kiosk.hub.cli import mark_demo_folder, seed_demo_clerks
    from kiosk.hub.fleet_alerts import AlertLimits
    from kiosk.hub.server import HubServer
    from kiosk.hub.settings import HubSettings

    mark_demo_folder(state_dir)  # its database is a demo's: demo clerks may be made there
    settings = HubSettings(db_url=f"sqlite:///{state_dir / 'hub.sqlite3'}")
    hub = HubServer(settings, port=port).start()
    set_limits(hub.state, AlertLimits.from_config(config.ops))
    seed_demo_clerks(hub.state)
    return hub


def demo_config(
    config: Config, hub_url: str, token: str, state_dir: Path, push_key: str = ""
) -> Config:
    """The booth's configuration against the embedded hub (``push_key``: the hub's
    config-push key, so the operator's pushes are checked as on an installed booth)."""
    return dataclasses.replace(
        config,
        booth=dataclasses.replace(config.booth, data_dir=str(state_dir / "booth")),
        hub=dataclasses.replace(config.hub, url=hub_url, token=token, push_key=push_key),
        devices=dataclasses.replace(
            config.devices, face_camera="synthetic", document_camera="synthetic"
        ),
    )


def on_screen(config: Config, args: argparse.Namespace) -> Config:
    """A demo runs on a developer's screen: a window scaled to fit it, which closes like
    any other, unless ``--fullscreen`` asks for the booth's locked-down full screen."""
    fullscreen = bool(getattr(args, "fullscreen", False))
    return dataclasses.replace(
        config, booth=dataclasses.replace(config.booth, fullscreen=fullscreen)
    )


def how_to_play(hub_url: str, password: str) -> str:
    """What ``kiosk demo`` prints: where everything is, and how to play both sides."""
    return f"""Xiaowu demo: hub at {hub_url}
  clerk console:  {hub_url}/console  (user = department code such as general, tax,
                  social; password {password!r}; operator: ops; supervisor: admin)
  citizen page:   {hub_url}/m
  operator page:  {hub_url}/ops
  OpenAPI:        {hub_url}/openapi.json

How to play the citizen (in the booth window):
  1. Touch the attract screen (at a real booth the door's QR code, shown there, is scanned
     with the phone to get in; its code changes every 30 s).
  2. Pick a service, e.g. 企业注销登记 (company deregistration); the document camera and
     the ID-card reader are emulated, so capturing gives you a generated page.
  3. Tap "人工服务" (a human clerk) at any time to wait for a clerk on video.
How to play the clerk (in a browser beside it):
  4. Open the clerk console, sign in as general, accept the waiting citizen: the call
     starts with the booth's emulated cameras. Invite tax or social to the same call, and
     sign in as them in a second browser window to see a multi-department call.
"""


class DemoBooth(Booth):
    """The booth whose devices are emulators started on its own loop."""

    async def start(self, ui: Any) -> None:
        from kiosk.demo.rig import DemoRig

        self.rig = DemoRig(self.config.devices)
        devices = await self.rig.start()
        self.config = dataclasses.replace(self.config, devices=devices)
        await super().start(ui)

    async def stop(self) -> None:
        await super().stop()
        rig = getattr(self, "rig", None)
        if rig is not None:
            rig.close()


def main(args: argparse.Namespace, config: Config) -> int:
    from kiosk.hub.cli import DEMO_PASSWORD
    from kiosk.ui.booth_app import run_booth

    config = apply_arguments(config, args)
    config = on_screen(config, args)
    with tempfile.TemporaryDirectory(prefix="xiaowu-demo-") as tmp:
        state = Path(args.data) if args.data else Path(tmp)
        state.mkdir(parents=True, exist_ok=True)
        hub = start_embedded_hub(config, state, args.port)
        try:
            token = hub.register_booth(config.booth.id, config.booth.name)
            booth = DemoBooth(demo_config(config, hub.url, token, state, hub.push_key()))
            print(how_to_play(hub.url, DEMO_PASSWORD), flush=True)
            code = run_booth(booth.config, booth.collaborators())
            return booth.ops.exit_code or code
        finally:
            hub.stop()
