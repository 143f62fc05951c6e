"""Configuration: one TOML file, environment overrides, typed and frozen.

The file is found by ``--config PATH`` or ``XIAOWU_CONFIG``; without either, the defaults
below run a demo booth. Any key can be overridden from the environment as
``XIAOWU_<SECTION>__<KEY>`` (``XIAOWU_HUB__URL=https://hub.example``; nested sections
join with ``__``: ``XIAOWU_DEVICES__LOCKER__PORT=/dev/xiaowu-locker``).

Loading checks every key and reports *all* problems at once, each with the file and the
dotted key, in one :class:`~kiosk.core.errors.ConfigError`.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from kiosk.core.errors import ConfigError

ENV_PREFIX = "XIAOWU_"
LANGUAGES = ("zh_CN", "en", "zh_HK")


@dataclass(frozen=True, slots=True)
class BoothConfig:
    """Who this booth is and how its screen behaves."""

    id: str = "demo-booth-01"
    name: str = "政务晓屋 · 演示"
    orientation: Literal["portrait", "landscape"] = "portrait"
    fullscreen: bool = True
    language: Literal["zh_CN", "en", "zh_HK"] = "zh_CN"
    idle_timeout_s: float = 120.0
    idle_warning_s: float = 30.0
    # While she waits for a clerk the idle reset pauses: she is asked "still waiting?" this
    # often instead (idle_warning_s to answer), so a booth she left does not hold the queue.
    waiting_check_s: float = 300.0
    data_dir: str = ""  # empty: $XDG_DATA_HOME/xiaowu (/var/lib/xiaowu when packaged)
    session_dir: str = ""  # empty: a private tmpfs-backed dir under XDG_RUNTIME_DIR or /tmp
    # The operator's PIN as a salted hash (kiosk.ui.operator_pin.hash_pin); empty: no PIN
    # opens the operator menu, so the app can only be left by stopping its service.
    operator_pin_hash: str = ""

    def data_path(self) -> Path:
        """The booth's persistent state (outbox, catalog cache, slot records, keys, speech
        models): ``data_dir``, else ``$XDG_DATA_HOME/xiaowu``; the one place that decides it."""
        if self.data_dir:
            return Path(self.data_dir)
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        return Path(base) / "xiaowu"


@dataclass(frozen=True, slots=True)
class HubClientConfig:
    """How the booth reaches its hub."""

    url: str = "http://127.0.0.1:8470"
    token: str = ""
    # The hub's config-push public key (``kiosk hub --push-key``): pushed settings must be
    # signed with it (kiosk.core.push_signing). Empty: pushes are taken unsigned, bound only
    # to the booth's authenticated link to ``url`` (set it on every installed booth).
    push_key: str = ""
    timeout_s: float = 10.0
    reconnect_min_s: float = 0.5
    reconnect_max_s: float = 30.0


@dataclass(frozen=True, slots=True)
class RetentionConfig:
    """How long the hub keeps what it stores (``[hub_server.retention]``, in days).

    The hub's retention job (kiosk.hub.retention) runs every ``period_s`` and purges what
    is older: a closed case's personal data (name, ID number, phone, form, materials' OCR
    fields and images; the case, its history and ratings stay, anonymous, for statistics),
    materials' images of closed cases sooner, and expired rows."""

    closed_case_days: float = 180.0  # personal data of a case closed this long ago
    material_image_days: float = 30.0  # document images of a case closed this long ago
    appointment_days: float = 30.0  # a past appointment's name and phone
    notification_days: float = 90.0  # the citizen page's inbox
    audit_log_days: float = 1095.0  # 等保 level 3 asks for at least 180
    sms_code_days: float = 1.0  # after the code expired
    clerk_session_days: float = 1.0  # after the session expired
    idempotency_days: float = 1.0  # stored first answers to Idempotency-Key writes
    period_s: float = 3600.0  # how often the job runs


@dataclass(frozen=True, slots=True)
class FederationConfig:
    """Hub federation for cross-region cases (``[hub_server.federation]``, docs/federation.md).

    Empty ``region``: the hub federates with nobody and its peer routes refuse every caller."""

    region: str = ""  # this hub's region code (GB/T 2260), e.g. "440113"
    key_file: str = ""  # this hub's Ed25519 private key (``kiosk hub --new-peer-key FILE``)
    # One peer a line: "REGION URL PUBLIC_KEY", e.g. "440300 https://hub.sz.example AbC...="
    peers: tuple[str, ...] = ()
    # Codes of this hub's catalog services that peers' booths may start here.
    shared_services: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class HubServerConfig:
    """The hub process (``kiosk hub``)."""

    host: str = "127.0.0.1"
    port: int = 8470
    db_url: str = "sqlite:///var/hub.sqlite3"
    public_url: str = ""  # the address phones use; empty: http://host:port
    secret_key: str = ""  # signs citizen links; empty: generated and kept in the database
    # The keys that encrypt personal data at rest (kiosk.hub.data_keys; mode 0600, made by
    # ``kiosk hub --new-data-key``). Empty: on SQLite, a key file next to the database is
    # made on first start; PostgreSQL refuses to start without one.
    data_key_file: str = ""
    retention: RetentionConfig = RetentionConfig()
    sms_gateway_url: str = ""  # JSON POST per SMS (kiosk.hub.notify); empty: inbox only
    heartbeat_s: float = 10.0  # booth/clerk WebSocket heartbeats; silent 3x this: closed
    # The booths' district's zone (IANA name): appointment times are shown and read in it.
    time_zone: str = "Asia/Shanghai"
    # ICE servers the hub hands to clerk consoles and booths (GET /api/v1/ice-servers).
    stun_urls: tuple[str, ...] = ()  # e.g. "stun:turn.example.gov.cn:3478"
    # "turn:host:3478?transport=udp", "turn:host:3478?transport=tcp", "turns:host:5349"
    turn_urls: tuple[str, ...] = ()
    # Either a shared secret (coturn use-auth-secret/static-auth-secret): every caller gets
    # its own credentials valid turn_ttl_s; or one static username and password.
    turn_secret: str = ""
    turn_ttl_s: float = 86400.0
    turn_username: str = ""
    turn_password: str = ""
    federation: FederationConfig = FederationConfig()
    # The Janus server of [call] media = "sfu" (kiosk.hub.janus): its HTTP API and admin
    # API, both on 127.0.0.1 only (clients never reach Janus; the hub relays), and the
    # admin secret the hub adds per-call tokens with.
    janus_url: str = "http://127.0.0.1:8088/janus"
    janus_admin_url: str = "http://127.0.0.1:7088/admin"
    janus_admin_secret: str = ""


@dataclass(frozen=True, slots=True)
class SerialDeviceConfig:
    """One serial device. An empty port means the device is absent."""

    port: str = ""
    baud: int = 0  # 0: the protocol's default
    profile: str = ""


@dataclass(frozen=True, slots=True)
class DevicesConfig:
    locker: SerialDeviceConfig = SerialDeviceConfig(profile="kerong-cu16")
    # Overrides of the locker profile (see kiosk/devices/locker/profiles.py):
    locker_slot_sizes: tuple[str, ...] = ()  # a size per slot, in slot order; () = profile's
    locker_closed_bit: int = -1  # lock bit value of a closed door (0/1); -1 keeps the profile's
    locker_item_bit: int = -1  # sensor bit value of an item (0/1), 2 = no sensors, -1 = profile's
    locker_byte_order: str = ""  # "little" (first state byte = locks 0-7) or "big"; "" = profile's
    locker_open_timeout_s: float = 5.0  # a door must show open this soon after the unlock
    locker_left_open_alert_s: float = 60.0
    locker_close_timeout_s: float = 300.0
    locker_poll_s: float = 0.3
    door: SerialDeviceConfig = SerialDeviceConfig()
    door_pulse_s: float = 3.0
    door_address: int = 1  # Modbus address of the relay board
    door_coil: int = 0  # relay channel wired to the strike
    door_mode: Literal["flash", "on-off"] = "flash"  # flash: the board switches itself off
    # Presence sensors on the door relay board's discrete inputs (Modbus function 02),
    # counted from 0; -1: not wired. Without an occupancy input a booth restarted mid-session
    # cannot see the citizen and closes her session safely (kiosk.devices.door.presence).
    door_contact_input: int = -1
    door_contact_closed_level: int = 1  # the input's level (0/1) while the door is shut
    occupancy_input: int = -1
    occupancy_level: int = 1  # the input's level (0/1) while someone is in the booth
    idcard: SerialDeviceConfig = SerialDeviceConfig()
    scanner: SerialDeviceConfig = SerialDeviceConfig()
    scanner_wedge_max_gap_s: float = 0.03  # keyboard wedge: slower keys are a person typing
    face_camera: str = ""  # QtMultimedia device id, "synthetic" or a video file
    document_camera: str = ""


@dataclass(frozen=True, slots=True)
class OcrConfig:
    # hybrid by measurement (bench/results/ocr.json, 40 scored photos, load 2): 100%
    # exact fields at 0.81 s CPU a photo (99.2% at 0.82 s on 240 tuning photos); rapidocr
    # 100% at 2.4 s; tesseract 87.9% at 0.57 s. Hybrid alone meets both targets (98%,
    # under 1 s); "rapidocr" reads every line with its own detector, for a fast CPU.
    engine: Literal["tesseract", "rapidocr", "hybrid"] = "hybrid"
    languages: str = "chi_sim"
    timeout_s: float = 20.0


@dataclass(frozen=True, slots=True)
class SpeechConfig:
    model_dir: str = ""  # empty: the installed default model, if any
    models_dir: str = ""  # where `kiosk models install` puts models; empty: <data_dir>/models
    default_model: str = "vosk-model-small-cn-0.22"  # used when model_dir is empty
    # The espeak-ng voice for Mandarin; empty: cmn-latn-pinyin (1.51's "cmn" reads Chinese
    # as pinyin spoken in English). Cantonese is "yue", English "en".
    voice: str = ""
    enabled: bool = True
    # The microphone button: "tap" (one utterance per tap), "hold" (push to talk),
    # "always" (listening while the digital clerk's screen is shown) or "off".
    listen: Literal["off", "tap", "hold", "always"] = "tap"
    microphone: str = ""  # empty: the default QtMultimedia input; a WAV path: that file (demo)
    speak: bool = True  # the clerk's voice (espeak-ng); captions are shown either way


@dataclass(frozen=True, slots=True)
class CallConfig:
    """Video calls with the clerks (kiosk.call)."""

    # mesh: the booth sends to each clerk over its own peer connection (small sites, the
    # demo); sfu: every party publishes once to the hub's Janus (hub_server.janus_*).
    media: Literal["mesh", "sfu"] = "mesh"
    stun_urls: tuple[str, ...] = ()  # e.g. "stun:stun.example.gov.cn:3478"
    # "turn:host:3478?transport=udp", "turn:host:3478?transport=tcp",
    # "turns:host:5349?transport=tcp" (TLS); aiortc uses the first STUN and first TURN.
    turn_urls: tuple[str, ...] = ()
    turn_username: str = ""
    turn_password: str = ""
    # A peer silent for dead_after_s (checked every heartbeat_s) is lost: at most 4.5 s.
    heartbeat_s: float = 0.5
    dead_after_s: float = 4.0
    gather_timeout_s: float = 1.0  # longest wait for STUN/TURN candidates at setup
    reconnect_attempt_s: float = 6.0  # time one new connection gets before the next try
    give_up_after_s: float = 120.0  # a participant unreachable this long has left
    video_fps: float = 15.0
    audio_only_loss: float = 0.25  # video packet loss that switches the call to audio only
    recording: bool = False  # calls are recorded (hub side): the booth announces it


@dataclass(frozen=True, slots=True)
class OpsConfig:
    """Operations (kiosk.ops, kiosk.booth.ops): health reports, restarts, fleet alerts.

    The booth reads the ``health_*`` and ``restart_*`` keys; the hub reads the ``alert_*``
    keys (the thresholds at which a booth's health report opens a work order).
    """

    health_period_s: float = 60.0  # a health report to the hub this often (while online)
    health_ack_timeout_s: float = 10.0
    # The process restarts between citizens once its memory grew this much past the
    # figure measured after the warm-up sessions (kiosk.ops.restart_policy).
    restart_warmup_sessions: int = 20
    restart_growth_mb: int = 300
    malloc_arenas: int = 2  # glibc malloc arenas (less fragmentation from call threads); 0: glibc's
    alert_disk_free_ratio: float = 0.05  # a booth's data disk below 5 % free
    alert_disk_free_mb: int = 1024  # or below 1 GiB free
    alert_rss_mb: int = 3072  # the booth process over 3 GiB
    alert_slots_free_min: int = 1  # fewer free locker slots than this: the locker is full
    alert_offline_after_s: float = 300.0  # a booth silent (no heartbeat, no report) this long


@dataclass(frozen=True, slots=True)
class Config:
    """Everything a booth or hub process is told. Each component gets its own slice."""

    booth: BoothConfig = BoothConfig()
    hub: HubClientConfig = HubClientConfig()
    hub_server: HubServerConfig = HubServerConfig()
    devices: DevicesConfig = DevicesConfig()
    ocr: OcrConfig = OcrConfig()
    speech: SpeechConfig = SpeechConfig()
    call: CallConfig = CallConfig()
    ops: OpsConfig = OpsConfig()
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    source: str = field(default="<defaults>", compare=False)


def load_config(
    path: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Config:
    """Read the TOML file at ``path`` (if any), apply environment overrides, validate.

    Raises :class:`ConfigError` listing every problem with its file and key.
    """
    env = os.environ if environ is None else environ
    if path is None and env.get(ENV_PREFIX + "CONFIG"):
        path = env[ENV_PREFIX + "CONFIG"]
    raw: dict[str, Any] = {}
    source = "<defaults>"
    problems: list[str] = []
    if path is not None:
        source = str(path)
        try:
            raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError([f"{source}: file not found"]) from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError([f"{source}: not valid TOML: {exc}"]) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError([f"{source}: cannot read: {exc}"]) from None
    _apply_env(raw, env, problems)
    config = _build(Config(), raw, source, "", problems)
    if problems:
        raise ConfigError(problems)
    assert isinstance(config, Config)
    return dataclasses.replace(config, source=source)


def apply_settings(config: Config, settings: Mapping[str, Any], source: str) -> Config:
    """``config`` with nested ``settings`` (``{"booth": {"idle_timeout_s": 90}}``) applied,
    checked like a file's keys; :class:`ConfigError` lists every problem (an operator's
    pushed configuration, kiosk.booth.ops)."""
    problems: list[str] = []
    result = _build(config, dict(settings), source, "", problems)
    if problems:
        raise ConfigError(problems)
    assert isinstance(result, Config)
    return result


def _apply_env(raw: dict[str, Any], env: Mapping[str, str], problems: list[str]) -> None:
    for name, value in env.items():
        if not name.startswith(ENV_PREFIX) or name == ENV_PREFIX + "CONFIG":
            continue
        keys = [k.lower() for k in name[len(ENV_PREFIX) :].split("__")]
        node = raw
        for key in keys[:-1]:
            child = node.setdefault(key, {})
            if not isinstance(child, dict):
                problems.append(f"environment {name}: {key} is not a section")
                break
            node = child
        else:
            node[keys[-1]] = _EnvText(value)


class _EnvText(str):
    """A value from the environment: text that is converted to the field's type."""


def _build(base: Any, raw: Any, source: str, prefix: str, problems: list[str]) -> Any:
    """``base`` (a config dataclass instance) with the values of ``raw`` applied."""
    cls = type(base)
    if not isinstance(raw, dict):
        problems.append(f"{source}: [{prefix.rstrip('.')}] must be a table")
        return base
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls) if f.name != "source"}
    for key in raw:
        if key not in known:
            problems.append(f"{source}: unknown key {prefix}{key}")
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name not in raw or f.name == "source":
            continue
        key = prefix + f.name
        hint = hints[f.name]
        if dataclasses.is_dataclass(hint):
            values[f.name] = _build(getattr(base, f.name), raw[f.name], source, key + ".", problems)
            continue
        ok, value = _convert(hint, raw[f.name])
        if ok:
            values[f.name] = value
        else:
            problems.append(f"{source}: {key} = {raw[f.name]!r} is not {_describe(hint)}")
    return dataclasses.replace(base, **values)


def _convert(hint: Any, value: Any) -> tuple[bool, Any]:
    origin = get_origin(hint)
    from_env = isinstance(value, _EnvText)
    if origin is Literal:
        return (value in get_args(hint), str(value) if from_env else value)
    if origin in (tuple, list):
        (item, *_rest) = get_args(hint)
        if from_env:
            value = [v.strip() for v in str(value).split(",") if v.strip()]
        if not isinstance(value, list | tuple):
            return False, None
        converted = [_convert(item, v) for v in value]
        if not all(ok for ok, _ in converted):
            return False, None
        return True, tuple(v for _, v in converted)
    if origin in (typing.Union, types.UnionType):
        for arm in get_args(hint):
            ok, converted_value = _convert(arm, value)
            if ok:
                return True, converted_value
        return False, None
    if hint is bool:
        if from_env:
            text = str(value).lower()
            if text in ("1", "true", "yes", "on"):
                return True, True
            if text in ("0", "false", "no", "off"):
                return True, False
            return False, None
        return isinstance(value, bool), value
    if hint is int:
        if from_env:
            try:
                return True, int(str(value))
            except ValueError:
                return False, None
        return isinstance(value, int) and not isinstance(value, bool), value
    if hint is float:
        if from_env:
            try:
                return True, float(str(value))
            except ValueError:
                return False, None
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return ok, float(value) if ok else None
    if hint is str:
        return isinstance(value, str), str(value) if isinstance(value, str) else None
    return False, None


def _describe(hint: Any) -> str:
    origin = get_origin(hint)
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in get_args(hint))
    if origin in (tuple, list):
        return f"a list of {_describe(get_args(hint)[0])}"
    return {bool: "true or false", int: "a whole number", float: "a number", str: "text"}.get(
        hint, str(hint)
    )
