"""``kiosk hub``: run the back-office hub, register booths, create clerk accounts.

Demo clerks (``--demo-clerks``) share a published password, so they are made only on a
demo's own database: a SQLite file in a folder marked by :data:`DEMO_MARKER` (``kiosk
demo`` marks its data folder), or when the caller says ``--i-know-this-is-a-demo``.
"""

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
from kiosk.core.errors import ConfigError

if TYPE_CHECKING:
    import uvicorn

    from kiosk.hub.state import HubState

HELP = "run the back-office hub (API, booth and clerk WebSockets, console, citizen page)"

DEMO_PASSWORD = "xiaowu-demo"  # nosec B105 # the demo clerks' published password, printed when used
DEMO_MARKER = ".xiaowu-demo"  # in a folder: its hub database belongs to a demo


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
        help="create a clerk (ROLES: comma-separated clerk,supervisor,admin,operator); "
        "password from $XIAOWU_CLERK_PASSWORD or asked; then exit",
    )
    parser.add_argument(
        "--operator-scope",
        metavar="BOOTHS",
        default="",
        help="with --add-clerk and the operator role: the booths the operator manages, "
        "comma-separated ids or prefixes ending in * (tianhe-*), or * for all",
    )
    parser.add_argument(
        "--push-key",
        action="store_true",
        help="print the hub's config-push public key (a booth's [hub] push_key), then exit",
    )
    parser.add_argument(
        "--new-data-key",
        metavar="FILE",
        nargs="?",
        const="",
        help="add a new current key to the data key file (FILE, default: hub_server."
        "data_key_file), creating it with mode 0600 if missing; the older keys stay to "
        "decrypt; then exit (rotation: this, restart the hubs, then --reencrypt)",
    )
    parser.add_argument(
        "--new-peer-key",
        metavar="FILE",
        help="federation: write a new Ed25519 private key to FILE (mode 0600, never "
        "overwritten) and print its public key to give to peer hubs; then exit",
    )
    parser.add_argument(
        "--reencrypt",
        action="store_true",
        help="rewrite every encrypted value under the current data key and recompute the "
        "blind indexes, print how many values each key held, then exit",
    )
    parser.add_argument(
        "--demo-clerks",
        action="store_true",
        help=f"create one clerk per department, an admin and an operator, password "
        f"{DEMO_PASSWORD!r}, and keep running (only on a demo's database)",
    )
    parser.add_argument(
        "--i-know-this-is-a-demo",
        action="store_true",
        help="allow --demo-clerks on a database that is not a marked demo's",
    )


def main(args: argparse.Namespace, config: Config) -> int:
    import uvicorn

    from kiosk.hub.api_accounts import ROLES, create_clerk, register_booth
    from kiosk.hub.api_ops import push_key, set_limits
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
    if args.new_peer_key:
        return new_peer_key(args.new_peer_key)
    if args.new_data_key is not None:
        return new_data_key(args.new_data_key or server.data_key_file)
    settings = HubSettings.from_config(server, config.call)
    if args.demo_clerks and not (args.i_know_this_is_a_demo or is_demo_database(settings.db_url)):
        print(
            "kiosk hub: --demo-clerks share a published password; refused on this database "
            f"(not a SQLite file in a folder holding {DEMO_MARKER}); "
            "add --i-know-this-is-a-demo if it really is one"
        )
        return 2
    app = create_app(settings)
    hub = app.state.hub
    set_limits(hub, AlertLimits.from_config(config.ops))  # fleet alert thresholds
    if args.register_booth:
        with hub.db() as db:
            for booth_id in args.register_booth:
                token = register_booth(db, booth_id, booth_id)
                print(f"{booth_id} {token}")
        return 0
    if args.push_key:
        print(push_key(hub))
        return 0
    if args.reencrypt:
        from kiosk.hub.data_keys import reencrypt_all

        try:
            counts = reencrypt_all(hub.engine, hub.keys)
        finally:
            hub.engine.dispose()  # no server runs: its lifespan will not close the pool
        before = ", ".join(f"{k}: {n}" for k, n in sorted(counts.items())) or "none"
        print(f"values per key before: {before}; all now under {hub.keys.current}")
        return 0
    if args.add_clerk:
        username, department, roles = args.add_clerk
        role_list = [r for r in roles.split(",") if r]
        if not role_list or not set(role_list) <= ROLES:
            print(f"kiosk hub: roles are {', '.join(sorted(ROLES))}")
            return 2
        if ("operator" in role_list) != bool(args.operator_scope):
            print("kiosk hub: an operator needs --operator-scope, and only an operator has one")
            return 2
        password = os.environ.get("XIAOWU_CLERK_PASSWORD") or getpass.getpass("password: ")
        if len(password) < 8:
            print("kiosk hub: the password needs at least 8 characters")
            return 2
        with hub.db() as db:
            create_clerk(
                db,
                hub.passwords,
                username,
                password,
                username,
                department,
                role_list,
                operator_scope=args.operator_scope,
            )
        print(f"clerk {username} created")
        return 0
    if args.demo_clerks:
        seed_demo_clerks(hub, confirmed=True)  # checked above, before the app was made
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


def new_data_key(path: str) -> int:
    """Create the data key file, or put a new current key at its top."""
    from pathlib import Path

    from kiosk.hub.data_keys import DataKeyError, DataKeys, read_key_file, write_key_file

    if not path:
        print("kiosk hub: give the key file: --new-data-key FILE or hub_server.data_key_file")
        return 2
    try:
        keys = read_key_file(path).with_new_current() if Path(path).exists() else None
    except DataKeyError as exc:
        print(f"kiosk hub: {exc}")
        return 2
    keys = keys or DataKeys.generate()
    write_key_file(path, keys)
    print(f"{path}: current data key {keys.current} ({len(keys.keys)} in all)")
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


def is_demo_database(db_url: str) -> bool:
    """Whether ``db_url`` is a SQLite file in a folder marked as a demo's (:data:`DEMO_MARKER`)."""
    from pathlib import Path

    prefix = "sqlite:///"
    if not db_url.startswith(prefix) or db_url == prefix + ":memory:":
        return False
    return (Path(db_url[len(prefix) :]).resolve().parent / DEMO_MARKER).is_file()


def mark_demo_folder(folder: os.PathLike[str] | str) -> None:
    """Mark ``folder`` as a demo's: demo clerks may be made on the hub database in it."""
    from pathlib import Path

    (Path(folder) / DEMO_MARKER).write_text("a Xiaowu demo's data: demo accounts allowed\n")


def seed_demo_clerks(hub: HubState, *, confirmed: bool = False) -> None:
    """One clerk per department, an administrator (also a supervisor) and an operator of
    the whole fleet, all with :data:`DEMO_PASSWORD`: only on a demo's database (see the
    module's docstring) or ``confirmed`` by the caller (tests on their own database)."""
    from sqlalchemy import select

    from kiosk.hub.api_accounts import create_clerk
    from kiosk.hub.models import Clerk

    if not confirmed and not is_demo_database(hub.settings.db_url):
        raise ConfigError(["demo clerks are made only on a demo's own database"])
    departments = [d.code for d in hub.catalog.catalog.departments]
    with hub.db() as db:
        known = set(db.scalars(select(Clerk.username)))
        wanted = [
            ("admin", "管理员", departments[0], ["admin", "supervisor", "clerk", "operator"]),
            ("ops", "运维", departments[0], ["operator"]),
        ]
        wanted += [
            (code, f"{DEMO_NAMES[i % len(DEMO_NAMES)]}（{i + 1:02d}号坐席）", code, ["clerk"])
            for i, code in enumerate(departments)
        ]
        for username, name, department, roles in wanted:
            if username not in known:
                scope = "*" if "operator" in roles else ""
                create_clerk(
                    db,
                    hub.passwords,
                    username,
                    DEMO_PASSWORD,
                    name,
                    department,
                    roles,
                    operator_scope=scope,
                )
    print(
        f"demo clerks: one per department code, user name = code, an operator 'ops', "
        f"password {DEMO_PASSWORD!r}"
    )


def new_peer_key(path: str) -> int:
    """Write a federation private key to ``path`` (0600, never overwritten), print its public
    key for the peers' config."""
    from kiosk.hub.federation_signing import (
        generate_private_key_b64,
        load_private_key,
        public_key_b64,
    )

    private_b64 = generate_private_key_b64()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        print(f"kiosk hub: {path} exists; a peer key is never overwritten")
        return 2
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(private_b64 + "\n")
    print(public_key_b64(load_private_key(private_b64)))
    return 0
