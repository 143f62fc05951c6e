"""``kiosk hub``: run the back-office hub, register booths, create clerk accounts."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import getpass
import logging
import os
from typing import TYPE_CHECKING, Any

from kiosk.config import Config

if TYPE_CHECKING:
    import uvicorn

    from kiosk.hub.state import HubState

HELP = "run the back-office hub (API, booth and clerk WebSockets, console, citizen page)"

DEMO_PASSWORD = "xiaowu-demo"  # only for --demo-clerks, printed when used


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="address to listen on (default from config: 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default from config: 8470)")
    parser.add_argument(
        "--db", metavar="URL", help="database URL: sqlite:///path or postgresql://user:pw@host/db"
    )
    parser.add_argument(
        "--register-booth",
        metavar="ID",
        action="append",
        default=[],
        help="register a booth (or re-issue its token), print the token, exit",
    )
    parser.add_argument(
        "--add-clerk",
        nargs=3,
        metavar=("USERNAME", "DEPARTMENT", "ROLES"),
        help="create a clerk (ROLES: comma-separated clerk,supervisor,admin); "
        "password from $XIAOWU_CLERK_PASSWORD or asked; then exit",
    )
    parser.add_argument(
        "--demo-clerks",
        action="store_true",
        help=f"create one clerk per department and an admin, password "
        f"{DEMO_PASSWORD!r}, and keep running",
    )


def main(args: argparse.Namespace, config: Config) -> int:
    import uvicorn

    from kiosk.hub.api_accounts import create_clerk, register_booth
    from kiosk.hub.api_ops import set_limits
    from kiosk.hub.app import create_app
    from kiosk.hub.fleet_alerts import AlertLimits
    from kiosk.hub.server import hide_query_strings
    from kiosk.hub.settings import HubSettings

    server = config.hub_server
    server = dataclasses.replace(
        server,
        host=args.host or server.host,
        port=args.port or server.port,
        db_url=args.db or server.db_url,
    )
    settings = HubSettings.from_config(server)
    app = create_app(settings)
    hub = app.state.hub
    set_limits(hub, AlertLimits.from_config(config.ops))  # fleet alert thresholds
    if args.register_booth:
        with hub.db() as db:
            for booth_id in args.register_booth:
                token = register_booth(db, booth_id, booth_id)
                print(f"{booth_id} {token}")
        return 0
    if args.add_clerk:
        username, department, roles = args.add_clerk
        password = os.environ.get("XIAOWU_CLERK_PASSWORD") or getpass.getpass("password: ")
        if len(password) < 8:
            print("kiosk hub: the password needs at least 8 characters")
            return 2
        with hub.db() as db:
            create_clerk(
                db, hub.passwords, username, password, username, department, roles.split(",")
            )
        print(f"clerk {username} created")
        return 0
    if args.demo_clerks:
        seed_demo_clerks(hub)
    print(f"clerk console: {settings.public_url}/console   citizen page: {settings.public_url}/m")
    # What start-up loaded lives as long as the process: keep it out of collections, which
    # otherwise pause the loop longer as thousands of sockets come and go.
    gc.collect()
    gc.freeze()
    level = logging.getLevelName(logging.getLogger().getEffectiveLevel()).lower()
    uvicorn_config = uvicorn.Config(
        app,
        host=server.host,
        port=server.port,
        log_level=level,
        access_log=level == "debug",
        backlog=4096,
        ws_ping_interval=None,  # the protocol's own heartbeats (kiosk.hub.protocol) suffice
        # Signaling frames are small and the link is a LAN: per-connection zlib contexts
        # cost ~100 kB each and CPU on every frame for nothing (bench/hub.py).
        ws_per_message_deflate=False,
        ws_max_size=settings.ws_max_message_bytes,  # a frame past it closes the socket (1009)
    )
    hide_query_strings()  # no URL's query string in the access log (kiosk.hub.server)
    # uvloop when installed (uvicorn[standard]): the relay is mostly socket writes.
    with asyncio.Runner(loop_factory=uvicorn_config.get_loop_factory()) as runner:
        runner.run(serve_under_systemd(uvicorn.Server(uvicorn_config)))
    return 0


async def serve_under_systemd(server: uvicorn.Server) -> None:
    """Serve; under systemd (xiaowu-hub.service, Type=notify) say READY once the socket
    listens and pet the watchdog from the server's own event loop, so a hung loop counts."""
    from kiosk.core.clock import SystemClock
    from kiosk.ops.sdnotify import SystemdNotifier
    from kiosk.ops.watchdog import LoopWatchdog

    notifier = SystemdNotifier()
    tasks: list[asyncio.Task[None]] = []
    startup = server.startup

    async def startup_then_announce(sockets: Any = None) -> None:
        await startup(sockets=sockets)
        notifier.ready("xiaowu hub serving")
        if notifier.watchdog_interval_s:
            dog = LoopWatchdog(
                SystemClock(), notifier, interval_s=notifier.watchdog_interval_s / 2, stall_s=0.5
            )
            tasks.append(dog.start())

    server.startup = startup_then_announce  # type: ignore[method-assign]
    try:
        await server.serve()
    finally:
        for task in tasks:
            task.cancel()
        notifier.stopping()


# Demo clerks get a person's name and a seat number, as the booth's call tiles and the
# citizen's rating show them (a real district's accounts carry their own).
DEMO_NAMES = ("王芳", "李娜", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄婷", "周杰", "吴霞")


def seed_demo_clerks(hub: HubState) -> None:
    from sqlalchemy import select

    from kiosk.hub.api_accounts import create_clerk
    from kiosk.hub.models import Clerk

    departments = [d.code for d in hub.catalog.catalog.departments]
    with hub.db() as db:
        known = set(db.scalars(select(Clerk.username)))
        wanted = [("admin", "管理员", departments[0], ["admin", "supervisor", "clerk"])]
        wanted += [
            (code, f"{DEMO_NAMES[i % len(DEMO_NAMES)]}（{i + 1:02d}号坐席）", code, ["clerk"])
            for i, code in enumerate(departments)
        ]
        for username, name, department, roles in wanted:
            if username not in known:
                create_clerk(db, hub.passwords, username, DEMO_PASSWORD, name, department, roles)
    print(f"demo clerks: one per department code, user name = code, password {DEMO_PASSWORD!r}")
