"""The booth's side of the hub: httpx API client, outbox, booth control WebSocket.

One concept per module::

    client.py         HubClient: /api/v1 over httpx (Bearer booth token, ETag catalog,
                      writes with Idempotency-Key); httpx errors become HubUnavailable /
                      HubRequestRejected (a HubRejected carrying the hub's error code)
    catalog_cache.py  CatalogCache: the catalog document on disk, refreshed with ETag,
                      used as is while the hub is away; CatalogStatus (online, last synced)
    messages.py       the WebSocket frames (Welcome, Ping, Pong, Command, Ack, Event), sans-IO
    backoff.py        Backoff: 0.5 s .. 30 s, doubling, jittered by an injected random source
    channel.py        BoothChannel: /ws/booth with heartbeats, dead-hub detection, command
                      handlers and acks, events, request(), reconnect; ChannelStatus
                      (online / offline / reconnecting) to listeners
    keystore.py       KeyStore port and FileKeyStore (0600 key files)
    outbox.py         Outbox: every write saved encrypted in SQLite, delivered in order per
                      case and exactly once (Idempotency-Key fixed at creation); OutboxStatus
    recovery.py       SessionJournal and Recovery: resume or safely close a session a
                      restart interrupted
    sync.py           HubSync: on ONLINE refresh the catalog, wake the outbox, report closed
                      sessions; on OFFLINE mark the catalog offline
    hub_port.py       BoothHub: the workflow's Hub port (kiosk.flows.ports.Hub) over the
                      outbox and the channel

Wiring (the composition root, ``kiosk/__main__.py``), with ``cfg = config.hub`` and
``data = <booth data dir>``::

    clock = SystemClock()
    client = HubClient(cfg.url, cfg.token, timeout_s=cfg.timeout_s)
    catalog = CatalogCache(client, data, clock)            # .document, .status, listeners
    channel = BoothChannel(client.websocket_url(), cfg.token, clock,
                           backoff=Backoff(cfg.reconnect_min_s, cfg.reconnect_max_s))
    channel.on_command("open_door", door_handler)          # one async handler per name
    channel.on_command("signal", call_signal_handler, ordered=False)
    outbox = Outbox(data, FileKeyStore(data / "keys"), clock)
    journal = SessionJournal(data, clock)
    recovery = Recovery(journal, outbox, channel, presence_sensor, vault_wipe)
    await recovery.recover()                               # before the first session
    sync = HubSync(channel, catalog, outbox, clock, sessions=recovery)
    sync.start(); outbox.start(client); channel.start()
    ...
    await channel.stop(); await sync.stop(); await outbox.stop(); await client.aclose()
"""
