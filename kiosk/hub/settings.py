"""The hub's own slice of settings, built from the ``[hub_server]`` config section."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from kiosk.config import CallConfig, HubServerConfig, RetentionConfig
from kiosk.core.errors import ConfigError
from kiosk.hub.federation import FederationSettings
from kiosk.hub.ice import IceServers
from kiosk.hub.local_time import zone_of
from kiosk.hub.switchboard import OUTBOX_FRAMES


@dataclass(frozen=True, slots=True)
class HubSettings:
    """Everything :func:`kiosk.hub.app.create_app` is told."""

    db_url: str = "sqlite:///var/hub.sqlite3"
    public_url: str = "http://127.0.0.1:8470"
    secret_key: str = ""  # empty: generated once and kept in the database
    data_key_file: str = ""  # empty: next to a SQLite database (kiosk.hub.data_keys)
    retention: RetentionConfig = field(default_factory=RetentionConfig)
    heartbeat_s: float = 10.0
    command_timeout_s: float = 10.0
    # Frames queued for a peer that is not reading before the hub closes it (4429).
    outbox_frames: int = OUTBOX_FRAMES
    clerk_session_ttl_s: float = 8 * 3600.0
    citizen_link_ttl_s: float = 30 * 24 * 3600.0
    message_link_ttl_s: float = 3 * 24 * 3600.0  # the login link in an SMS (case_news)
    password_time_cost: int = 3  # argon2id; tests lower these to save time
    password_memory_kib: int = 65536
    login_max_failures: int = 5
    login_window_s: float = 300.0
    sms_gateway_url: str = ""  # empty: notifications go to the citizen page inbox only
    sms_retries: int = 3
    # Citizen login by SMS code (kiosk.hub.citizen_login): wrong codes per phone number in
    # a window, across resends and restarts; past them no code is taken for the lockout.
    sms_code_ttl_s: float = 600.0
    sms_max_guesses: int = 5
    sms_guess_window_s: float = 3600.0
    sms_lockout_s: float = 3600.0
    # Messages a stranger can make the hub send (login codes, booking confirmations): per
    # phone number and per client address within sms_rate_window_s (an SMS costs money).
    sms_per_phone: int = 5
    sms_per_address: int = 20
    sms_rate_window_s: float = 3600.0
    # Opening a booth's door (kiosk.hub.door): the door code's time window (the code on
    # the booth's screen changes this often; the current and the previous one are taken)
    # and the attempts allowed per citizen link, per booth and per client address.
    door_code_window_s: float = 30.0
    door_per_citizen: int = 5
    door_per_booth: int = 20
    door_per_address: int = 10
    door_rate_window_s: float = 300.0
    time_zone: str = "Asia/Shanghai"  # the booths' district (kiosk.hub.local_time)
    # Stored answers to Idempotency-Key writes are replayed (and kept) this long: longer
    # than any booth outbox keeps retrying (kiosk.hub.idempotency).
    idempotency_ttl_s: float = 7 * 24 * 3600.0
    # Request bodies (kiosk.hub.body_limit): a material upload carries a base64 image of up
    # to MAX_IMAGE bytes (kiosk.hub.api_cases); every other request is small JSON.
    max_body_bytes: int = 256 * 1024
    max_upload_bytes: int = 12 * 1024 * 1024
    # The largest WebSocket message (uvicorn's ws_max_size): signaling and events are a few kB.
    ws_max_message_bytes: int = 256 * 1024
    # The call topology ([call] media) and, for "sfu", the Janus the hub owns rooms on.
    call_media: str = "mesh"
    janus_url: str = "http://127.0.0.1:8088/janus"
    janus_admin_url: str = "http://127.0.0.1:7088/admin"
    janus_admin_secret: str = ""
    ice: IceServers = field(
        default_factory=IceServers
    )  # STUN/TURN for consoles and booths (kiosk.hub.ice)
    # Peer hubs of other regions and the services shared with them (kiosk.hub.federation).
    federation: FederationSettings = field(default_factory=FederationSettings)

    def __post_init__(self) -> None:
        zone_of(self.time_zone)  # an unknown zone fails at start, not at the first booking

    @classmethod
    def from_config(cls, config: HubServerConfig, call: CallConfig | None = None) -> HubSettings:
        call = call or CallConfig()
        public = config.public_url or f"http://{config.host}:{config.port}"
        try:
            zone_of(config.time_zone)
        except ValueError as exc:
            raise ConfigError([f"hub_server.time_zone: {exc}"]) from None
        # A zero or negative retention would purge what was just written.
        short = [
            f"hub_server.retention.{f.name}: must be more than 0"
            for f in dataclasses.fields(config.retention)
            if getattr(config.retention, f.name) <= 0
        ]
        if short:
            raise ConfigError(short)
        # Without the admin secret the hub can issue no per-call tokens: fail at start.
        if call.media == "sfu" and not config.janus_admin_secret:
            raise ConfigError(['hub_server.janus_admin_secret: needed with [call] media = "sfu"'])
        return cls(
            db_url=config.db_url,
            public_url=public,
            secret_key=config.secret_key,
            data_key_file=config.data_key_file,
            retention=config.retention,
            sms_gateway_url=config.sms_gateway_url,
            heartbeat_s=config.heartbeat_s,
            time_zone=config.time_zone,
            call_media=call.media,
            janus_url=config.janus_url,
            janus_admin_url=config.janus_admin_url,
            janus_admin_secret=config.janus_admin_secret,
            ice=IceServers(
                stun_urls=config.stun_urls,
                turn_urls=config.turn_urls,
                turn_secret=config.turn_secret,
                turn_ttl_s=config.turn_ttl_s,
                turn_username=config.turn_username,
                turn_password=config.turn_password,
            ),
            federation=FederationSettings.from_config(config.federation),
        )
