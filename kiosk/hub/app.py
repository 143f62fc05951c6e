"""The hub application factory: :func:`create_app` builds a FastAPI app from settings.

Nothing is global: the app's collaborators live in a :class:`~kiosk.hub.state.HubState`
on ``app.state.hub``. Migrations are applied when the app is created, so a fresh
SQLite file or an empty PostgreSQL database just works.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import select
from sqlalchemy.engine import make_url

from kiosk import __version__
from kiosk.core.clock import Clock, SystemClock
from kiosk.core.errors import ConfigError
from kiosk.hub import (
    api_accounts,
    api_appointments,
    api_calls,
    api_cases,
    api_certificates,
    api_desk,
    api_door,
    api_federation,
    api_ops,
    api_public,
    api_reviews,
    api_steps,
    pages,
    queueing,
    retention,
    ws,
)
from kiosk.hub.auth import CitizenLinks, LoginLimiter, Passwords, RateLimiter
from kiosk.hub.body_limit import BodyLimitMiddleware, BodyRule
from kiosk.hub.browser_policy import SecurityHeadersMiddleware
from kiosk.hub.casework import text_of
from kiosk.hub.data_keys import DataKeyError, attach, check_readable, load_data_keys
from kiosk.hub.db import make_engine, migrate, session_factory
from kiosk.hub.door import DoorGuard
from kiosk.hub.errors import install_error_handlers
from kiosk.hub.fanout import PostgresFanout
from kiosk.hub.federation import Federation
from kiosk.hub.federation_catalog import PeerCatalog, keep_fresh
from kiosk.hub.federation_outbox import keep_delivering
from kiosk.hub.idempotency import IdempotencyMiddleware
from kiosk.hub.models import Department
from kiosk.hub.notify import InboxNotifier, Notifier, SmsGatewayNotifier
from kiosk.hub.openapi_doc import describe_api
from kiosk.hub.settings import HubSettings
from kiosk.hub.state import CatalogDocument, HubState, ServiceCatalog, load_secret
from kiosk.hub.switchboard import Switchboard

log = logging.getLogger(__name__)

MATERIAL_UPLOAD = re.compile(r"/api/v1/cases/[^/]+/materials")  # a base64 image in JSON


def create_app(
    settings: HubSettings,
    *,
    catalog: ServiceCatalog | None = None,
    clock: Clock | None = None,
    notifier: Notifier | None = None,
) -> FastAPI:
    """Build the hub: open and migrate the database, load the catalog, mount the routes."""
    clock = clock or SystemClock()
    if catalog is None:
        from kiosk.core.catalog import load_catalog

        catalog = load_catalog()
    engine = make_engine(settings.db_url)
    try:
        keys = load_data_keys(settings.data_key_file, settings.db_url)
        attach(engine, keys)  # before the migrations, which encrypt what was in clear
        migrate(engine)
        check_readable(engine)
    except DataKeyError as exc:
        engine.dispose()
        raise ConfigError([f"hub_server.data_key_file: {exc}"]) from None
    sessions = session_factory(engine)
    _sync_departments(sessions, catalog)
    secret = load_secret(sessions, settings.secret_key)
    inbox = InboxNotifier(sessions)
    if notifier is None:
        notifier = (
            SmsGatewayNotifier(inbox, settings.sms_gateway_url, clock, retries=settings.sms_retries)
            if settings.sms_gateway_url
            else inbox
        )
    state = HubState(
        settings=settings,
        engine=engine,
        sessions=sessions,
        clock=clock,
        catalog=CatalogDocument(catalog),
        switchboard=Switchboard(clock, settings.command_timeout_s),
        links=CitizenLinks(secret, clock, settings.citizen_link_ttl_s),
        limiter=LoginLimiter(clock, settings.login_max_failures, settings.login_window_s),
        notifier=notifier,
        passwords=Passwords(settings.password_time_cost, settings.password_memory_kib),
        sms_limits=_sms_limits(settings, clock),
        door=DoorGuard(secret, clock, settings),
        keys=keys,
        started=clock.monotonic(),
        federation=Federation(settings.federation, clock),
        peer_catalog=PeerCatalog(departments={d.code: d for d in catalog.departments}),
    )

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        fanout = await _share_through_postgres(state)
        await queueing.restore_calls(state)  # after a restart, calls go on
        sweeper = asyncio.create_task(ws.heartbeats(state))
        purger = asyncio.create_task(retention.run(state))
        peer_services = asyncio.create_task(keep_fresh(state.federation, state.peer_catalog))
        peer_outbox = asyncio.create_task(keep_delivering(state))
        try:
            async with api_ops.watch_fleet(state):
                yield
        finally:
            sweeper.cancel()
            purger.cancel()
            peer_services.cancel()
            peer_outbox.cancel()
            if fanout is not None:
                await fanout.stop()
            engine.dispose()

    app = FastAPI(
        lifespan=lifespan,
        # The interactive docs load scripts from a CDN and run inline ones, which the hub's
        # Content-Security-Policy refuses; the OpenAPI document stays at /openapi.json.
        docs_url=None,
        redoc_url=None,
        title="Xiaowu hub",
        version=__version__,
        description="The back office of Xiaowu booths: catalog, cases, queues, signaling. "
        "Protocol: see the kiosk.hub.protocol module.",
    )
    app.state.hub = state
    install_error_handlers(app)
    describe_api(app)
    for module in (
        api_public,
        api_accounts,
        api_appointments,
        api_door,
        api_cases,
        api_steps,
        api_reviews,
        api_calls,
        ws,
        pages,
    ):
        app.include_router(module.router)
    app.include_router(api_certificates.router)
    app.include_router(api_desk.router)
    app.include_router(api_federation.router)
    app.include_router(api_federation.booths)
    app.include_router(api_ops.router)
    app.include_router(api_ops.pages)
    app.mount("/static", StaticFiles(directory=pages.STATIC), name="static")
    # Outermost last: the browser headers go on every answer (a 413 too); the body limit
    # runs before the idempotency layer buffers a body (kiosk.hub.body_limit).
    app.add_middleware(
        IdempotencyMiddleware,
        sessions=sessions,
        links=state.links,
        ttl_s=settings.idempotency_ttl_s,
        clock=clock,
    )
    app.add_middleware(
        BodyLimitMiddleware,
        default_limit=settings.max_body_bytes,
        rules=(BodyRule("POST", MATERIAL_UPLOAD, settings.max_upload_bytes),),
    )
    app.add_middleware(SecurityHeadersMiddleware)

    return app


def _sms_limits(settings: HubSettings, clock: Clock) -> RateLimiter:
    """One limiter for every SMS a stranger can cause (kiosk.hub.citizen_login)."""
    return RateLimiter(
        clock,
        settings.sms_per_address,
        settings.sms_rate_window_s,
        limits={
            "phone": settings.sms_per_phone,
            "addr": settings.sms_per_address,
            "guess": settings.sms_per_address,  # wrong codes from one address
        },
    )


async def _share_through_postgres(state: HubState) -> PostgresFanout | None:
    """On PostgreSQL, several hub processes share their connections (kiosk.hub.fanout);
    a hub on SQLite is a single process."""
    url = make_url(state.settings.db_url)
    if url.get_backend_name() != "postgresql":
        return None
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    fanout = PostgresFanout(plain, state.switchboard.on_fanout)
    await fanout.start()
    state.switchboard.fanout = fanout
    fanout.publish({"op": "hello"})  # the others announce their peers to this process
    return fanout


def _sync_departments(sessions: Any, catalog: ServiceCatalog) -> None:
    with sessions.begin() as db:
        known = {d.code: d for d in db.scalars(select(Department))}
        for dept in catalog.departments:
            names = text_of(dept.name)
            row = known.get(dept.code)
            if row is None:
                db.add(Department(code=dept.code, name_zh=names["zh_CN"], name_en=names["en"]))
            else:
                row.name_zh, row.name_en = names["zh_CN"], names["en"]
