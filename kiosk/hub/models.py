"""The hub's storage schema (SQLAlchemy 2 declarative models).

One table per concept of the back office. Identifiers are text (UUIDs, booth ids,
department codes) so that the same schema runs on SQLite and PostgreSQL. Personal data
(citizen name, ID number, phone, material images, form data) lives only in ``cases``,
``materials``, ``appointments`` and ``notifications``, in columns encrypted with the hub's
data keys (kiosk.hub.data_keys); a phone is found through its blind index column. Every
read and write of it is recorded in ``audit_log``, which is append-only (see
:func:`forbid_audit_changes`) except for the retention job (kiosk.hub.retention).

Schema changes go through alembic (``kiosk/hub/migrations``), applied at start.
"""

from __future__ import annotations

import datetime as dt
import uuid
import weakref
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, Session, mapped_column

from kiosk.core.clock import Clock
from kiosk.hub.data_keys import column_type, keys_of


def new_id() -> str:
    return uuid.uuid4().hex


def utcnow() -> dt.datetime:
    """The system's time: only for what has no hub (a migration, a script); the hub's own
    timestamps come from its clock (:func:`stamp`, :func:`db_now`)."""
    return dt.datetime.now(dt.UTC)


# Each hub's clock, by its database engine: a column default is called by SQLAlchemy with
# the statement's context, which knows the engine but not the hub. Tests run several hubs
# in one process, some with a fake clock; a weak map lets each engine go with its hub.
_CLOCKS: weakref.WeakKeyDictionary[Engine, Clock] = weakref.WeakKeyDictionary()


def use_clock(engine: Engine, clock: Clock) -> None:
    """Stamp rows written through ``engine`` by ``clock`` (the hub's, see HubState)."""
    _CLOCKS[engine] = clock


def _now_of(engine: Engine | None) -> dt.datetime:
    clock = _CLOCKS.get(engine) if engine is not None else None
    return clock.now() if clock is not None else utcnow()


def stamp(context: Any) -> dt.datetime:
    """A column's default and update time: now by the clock of the hub writing the row."""
    return _now_of(context.root_connection.engine)


def db_now(db: Session) -> dt.datetime:
    """Now by the clock of the hub that ``db`` belongs to."""
    bind = db.get_bind()
    return _now_of(bind if isinstance(bind, Engine) else bind.engine)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored in UTC and read back timezone-aware, on every backend.

    SQLite keeps no offset: without this, 09:00 China time would be read back as 09:00 UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; give a timezone")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


Stamp = UTCDateTime()


class KeyValue(Base):
    """Small hub-wide settings kept in the database (the link-signing secret)."""

    __tablename__ = "hub_settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Department(Base):
    __tablename__ = "departments"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))


class Clerk(Base):
    __tablename__ = "clerks"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    department: Mapped[str] = mapped_column(String(64), index=True)
    roles: Mapped[str] = mapped_column(String(200), default="clerk")  # comma separated
    # The booths an ``operator`` may manage (kiosk.hub.api_ops.in_scope): comma-separated
    # booth ids or id prefixes ending in ``*``; ``*`` is the whole fleet, empty none.
    operator_scope: Mapped[str] = mapped_column(String(500), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(Stamp, default=stamp)

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(r for r in self.roles.split(",") if r)


class ClerkSession(Base):
    __tablename__ = "clerk_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    clerk_id: Mapped[str] = mapped_column(ForeignKey("clerks.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(Stamp, default=stamp)
    expires_at: Mapped[dt.datetime] = mapped_column(Stamp)


class Booth(Base):
    __tablename__ = "booths"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(Stamp, default=stamp)
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(Stamp, nullable=True)


class Appointment(Base):
    __tablename__ = "appointments"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    citizen_ref: Mapped[str] = mapped_column(String(32), index=True)
    service_code: Mapped[str] = mapped_column(String(100))
    booth_id: Mapped[str] = mapped_column(ForeignKey("booths.id"))
    slot_at: Mapped[dt.datetime] = mapped_column(Stamp)
    name: Mapped[str] = mapped_column(column_type("appointments", "name", "text"), default="")
    phone: Mapped[str] = mapped_column(column_type("appointments", "phone", "text"), default="")
    phone_index: Mapped[str] = mapped_column(String(40), default="", index=True)
    status: Mapped[str] = mapped_column(String(20), default="booked")  # booked|used|cancelled
    created_at: Mapped[dt.datetime] = mapped_column(Stamp, default=stamp)


class Case(Base):
    __tablename__ = "cases"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    service_code: Mapped[str] = mapped_column(String(100), index=True)
    citizen_ref: Mapped[str] = mapped_column(String(32), index=True)
    citizen_name: Mapped[str] = mapped_column(
        column_type("cases", "citizen_name", "text"), default=""
    )
    citizen_id_number: Mapped[str] = mapped_column(
        column_type("cases", "citizen_id_number", "text"), default=""
    )
    citizen_phone: Mapped[str] = mapped_column(
        column_type("cases", "citizen_phone", "text"), default=""
    )
    citizen_phone_index: Mapped[str] = mapped_column(String(40), default="", index=True)
    booth_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    appointment_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open|done|cancelled
    form: Mapped[dict[str, Any]] = mapped_column(column_type("cases", "form", "json"), default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(Stamp, default=stamp)
    updated_at: Mapped[dt.datetime] = mapped_column(Stamp, default=stamp, onupdate=stamp)
    # When the retention job blanked the personal data of the closed case (None: kept).
    purged_at: Mapped[dt.datetime | None] = mapped_column(Stamp, nullable=True)


class CaseStep(Base):
    __tablename__ = "case_steps"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    department: Mapped[str | None] = mapped_column(String(64), nullable=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending|done|skipped
    done_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    done_at: Mapped[dt.datetime | None] = mapped_column(Stamp, nullable=True)


class CaseDepartment(Base):
    """A department the case is routed to, with that department's own status."""

    __tablename__ = "case_departments"
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    department: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending|active|done


class CaseEvent(Base):
    """The history of a case, oldest first."""

    __tablename__ = "case_history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(Stamp, default=stamp)
    actor: Mapped[str] = mapped_column(String(100))
    what: Mapped[str] = mapped_column(String(60))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class MaterialRecord(Base):
    __tablename__ = "materials"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    code: Mapped[str] = mapped_column(String(100))
    doc_type: Mapped[str | None] = mapped_column(String(60), nullable=True)
    image: Mapped[bytes | None] = mapped_column(
        column_type("materials", "image", "bytes"), nullable=True
    )
    image_type: Mapped[str] = mapped_column(String(40), default="image/jpeg")
    ocr_fields: Mapped[dict[str, Any]] = mapped_column(
        column_type("materials", "ocr_fields", "json"), default=dict
    )
    trust_level: Mapped[str] = mapped_column(String(1), default="C")  # C: capture, B: verified
    verified_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    verified_against: Mapped[str | None] = mapped_column(String(200), nullable=True)
    verified_at: Mapped[dt.datetime | None] = mapped_column(Stamp, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(Stamp, default=stamp)


class Call(Base):
    __tablename__ = "calls"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    booth_id: Mapped[str] = mapped_column(String(64), index=True)
    case_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    department: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="active")  # active|ended
    created_at: Mapped[dt.datetime] = mapped_column(Stamp, default=stamp)
    ended_at: Mapped[dt.datetime | None] = mapped_column(Stamp, nullable=True)


class CallParticipant(Base):
    __tablename__ = "call_participants"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id"), index=True)
    peer: Mapped[str] = mapped_column(String(100))  # "booth:<id>" or "clerk:<id>"
    department: Mapped[str | None] = mapped_column(String(64), nullable=True)
    joined_at: Mapped[dt.datetime] = mapped_column(Stamp, default=stamp)
    left_at: Mapped[dt.datetime | None] = mapped_column(Stamp, nullable=True)


class QueueEntry(Base):
    """A booth waiting for a clerk of a department, or an invitation into a running call."""

    __tablename__ = "queue_entries"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    department: Mapped[str] = mapped_column(String(64), index=True)
    booth_id: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    call_id: Mapped[str | None] = mapped_column(String(32), nullable=True)  # set for invites
    invited_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    invited_clerk: Mapped[str | None] = mapped_column(String(32), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="waiting", index=True)
    created_at: Mapped[dt.datetime] = mapped_column(Stamp, default=stamp)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(Stamp, nullable=True)
    accepted_by: Mapped[str | None] = mapped_column(String(32), nullable=True)


class LockerDeposit(Base):
    __tablename__ = "locker_deposits"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    booth_id: Mapped[str] = mapped_column(String(64))
    slot: Mapped[str] = mapped_column(String(20))
    door: Mapped[str] = mapped_column(String(20), default="unknown")  # open|closed|unknown
    item_present: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    at: Mapped[dt.datetime] = mapped_column(Stamp, default=stamp)


class Certificate(Base):
    __tablename__ = "certificates"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    department: Mapped[str] = mapped_column(String(64))
    issued_by: Mapped[str] = mapped_column(String(32))
    issued_at: Mapped[dt.datetime] = mapped_column(Stamp, default=stamp)
    pdf: Mapped[bytes] = mapped_column(column_type("certificates", "pdf", "bytes"))
    signature: Mapped[str] = mapped_column(String(64))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    # What the verification page shows, all covered by ``signature`` (kiosk.hub.issuing
    # .signed_text): the holder masked (张*, 4401**********1234), the service's name, the
    # SHA-256 of the PDF as issued. Empty on certificates issued before they were signed.
    holder_name: Mapped[str] = mapped_column(String(200), default="")
    holder_id: Mapped[str] = mapped_column(String(32), default="")
    service_name: Mapped[str] = mapped_column(String(200), default="")
    pdf_sha256: Mapped[str] = mapped_column(String(64), default="")
    revoked_at: Mapped[dt.datetime | None] = mapped_column(Stamp, nullable=True)
    revoked_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    revoked_reason: Mapped[str] = mapped_column(String(300), default="")


class Rating(Base):
    """好差评 (GB/T 39734): one rating per service item and per clerk of a case."""

    __tablename__ = "ratings"
    __table_args__ = (UniqueConstraint("case_id", "target", "clerk_id"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    target: Mapped[str] = mapped_column(String(20))  # service|clerk
    clerk_id: Mapped[str] = mapped_column(String(32), default="")  # "" for the service item
    level: Mapped[int] = mapped_column(Integer)  # 5 非常满意 .. 1 非常不满意
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(Stamp, default=stamp)


class Notification(Base):
    """A message for a citizen, shown in the citizen page's inbox."""

    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    citizen_ref: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(column_type("notifications", "text", "text"))
    link: Mapped[str] = mapped_column(column_type("notifications", "link", "text"), default="")
    created_at: Mapped[dt.datetime] = mapped_column(Stamp, default=stamp)


class AuditEntry(Base):
    """One read or write of personal data. Rows are only ever added."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(Stamp, default=stamp)
    actor: Mapped[str] = mapped_column(String(100))  # clerk:<id>, booth:<id>, citizen:<ref>
    action: Mapped[str] = mapped_column(String(10))  # read|write
    subject: Mapped[str] = mapped_column(String(100))  # case:<id>, material:<id>, ...
    detail: Mapped[str] = mapped_column(String(300), default="")


class IdempotentResponse(Base):
    """The first response to a write carrying an ``Idempotency-Key`` (never one that carries
    a credential; kept ``idempotency_ttl_s``: kiosk.hub.idempotency)."""

    __tablename__ = "idempotency"
    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[bytes] = mapped_column(column_type("idempotency", "body", "bytes"))
    created_at: Mapped[dt.datetime] = mapped_column(Stamp, default=stamp, index=True)


class DownloadTicket(Base):
    """A one-time, short-lived permission to fetch one file (kiosk.hub.tickets): a link
    carries the ticket, never a bearer token. Only its SHA-256 is kept."""

    __tablename__ = "download_tickets"
    ticket_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "certificate" | "material"
    object_id: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(100))  # the peer address of who asked for it
    expires_at: Mapped[dt.datetime] = mapped_column(Stamp, index=True)


class SmsCode(Base):
    """A login code sent to a phone, keyed by the phone's blind index (never the number)."""

    __tablename__ = "sms_codes"
    phone_index: Mapped[str] = mapped_column(String(40), primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    citizen_ref: Mapped[str] = mapped_column(String(32))
    expires_at: Mapped[dt.datetime] = mapped_column(Stamp)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class SmsGuessGuard(Base):
    """Wrong SMS login codes tried for one phone number (kiosk.hub.citizen_login).

    Kept apart from ``sms_codes`` so that neither a resent code nor an unknown number
    resets it; keyed by a keyed hash of the number, never the number itself.
    """

    __tablename__ = "sms_guess_guards"
    phone_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[dt.datetime] = mapped_column(Stamp)
    locked_until: Mapped[dt.datetime | None] = mapped_column(Stamp, nullable=True)


class PeerCase(Base):
    """A case this hub serves for a peer hub's booth (跨域通办): the case lives here, the
    peer keeps its own reference. One row per (peer region, peer reference), so a request
    the peer's outbox sends again finds the case it made the first time."""

    __tablename__ = "fed_peer_cases"
    __table_args__ = (UniqueConstraint("origin_region", "origin_ref"),)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    origin_region: Mapped[str] = mapped_column(String(6), index=True)
    origin_ref: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(Stamp, default=stamp)


class ForwardedCase(Base):
    """A case this hub's booth started for a service a peer hub serves (跨域通办): this hub
    keeps the reference, the case lives at the peer. Rows still ``pending`` are the
    outbox towards the peer (kiosk.hub.federation_outbox): sent until the peer answers,
    and the peer makes one case per reference however often it is sent."""

    __tablename__ = "fed_forwarded_cases"
    ref: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    region: Mapped[str] = mapped_column(String(6))
    service_code: Mapped[str] = mapped_column(String(100))
    booth_id: Mapped[str] = mapped_column(String(64), index=True)
    # What the peer is sent about the citizen (name, ID number, phone), encrypted at rest.
    citizen: Mapped[dict[str, Any]] = mapped_column(
        column_type("fed_forwarded_cases", "citizen", "json"), default=dict
    )
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    remote_case_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    refusal: Mapped[str] = mapped_column(String(64), default="")  # the peer's error code
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(Stamp, default=stamp)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(Stamp, nullable=True)


@event.listens_for(Session, "before_flush")
def forbid_audit_changes(session: Session, _context: object, _instances: object) -> None:
    """The audit log is append-only: refuse to flush a change or deletion of an entry."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry):
            raise PermissionError("the audit log is append-only")


@event.listens_for(Case, "before_insert")
@event.listens_for(Case, "before_update")
def index_case_phone(_mapper: Mapper[Any], connection: Any, case: Case) -> None:
    """Keep the blind index of the citizen's phone in step with the phone."""
    phone = case.citizen_phone or ""
    case.citizen_phone_index = keys_of(connection.dialect).blind_index(phone) if phone else ""


@event.listens_for(Appointment, "before_insert")
@event.listens_for(Appointment, "before_update")
def index_appointment_phone(_mapper: Mapper[Any], connection: Any, a: Appointment) -> None:
    phone = a.phone or ""
    a.phone_index = keys_of(connection.dialect).blind_index(phone) if phone else ""
