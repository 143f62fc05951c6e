"""A citizen's login by a code sent to her phone, and the limits that keep it from being
guessed or sent on demand.

Threat: a stranger who knows (or guesses) a phone number asks for codes and tries codes
until one fits, then reads the citizen's cases and certificates. A six-digit code has a
million values, so what protects it is how many tries anyone gets:

- **Wrong codes are bounded per phone number, across resends and restarts.** Each wrong
  code is counted in ``sms_guess_guards`` (one row per number, keyed by a MAC of the
  number with the hub's secret, never the number itself), in a transaction of its own
  that commits before the refusal is raised, so the refusal's rollback cannot undo it.
  A new code does not reset the count. After ``sms_max_guesses`` wrong codes within
  ``sms_guess_window_s`` the number is locked for ``sms_lockout_s``: no code is taken,
  not even the right one, the code sent is void and no new one is sent meanwhile.
  A right code clears the count.
- **Codes and booking confirmations cost money**, so a stranger cannot have them sent at
  will: ``sms_per_phone`` per number and ``sms_per_address`` per client address within
  ``sms_rate_window_s`` (a :class:`~kiosk.hub.auth.RateLimiter`, in memory per hub
  process); past them the answer is 429 with ``Retry-After``. Wrong codes also count
  against the caller's address, so one address cannot sweep many numbers.
- **The answers do not tell whether a number is known**: asking for a code answers
  ``202 {"sent": true}`` either way (the message itself leaves in the background, so the
  SMS gateway's latency does not show); a wrong code, an expired one, an unknown number
  and a number with no code all answer the same 401 ``bad_code``; the guess bound and
  the lockout apply to unknown numbers too (a 429 after five tries says nothing).

Lookups of citizens and codes by phone number are in :func:`citizen_of_phone` and
:func:`code_of_phone` only, so storing numbers differently touches nothing else.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.hub.errors import ApiError
from kiosk.hub.models import Appointment, Case, SmsCode, SmsGuessGuard
from kiosk.hub.notify import Message
from kiosk.hub.state import HubState

log = logging.getLogger(__name__)

BAD_CODE = ("bad_code", "the code is wrong or has expired")


# -- where a phone number is looked up ------------------------------------------------------
def citizen_of_phone(hub: HubState, db: Session, phone: str) -> str | None:
    """The citizen reference of a number that opened a case or booked an appointment,
    found by the number's blind index (numbers are stored encrypted). Both tables are
    always asked, so a number's answer takes the same work either way."""
    index = hub.keys.blind_index(phone)
    by_case = db.scalar(
        select(Case.citizen_ref).where(Case.citizen_phone_index == index).limit(1)
    )
    by_booking = db.scalar(
        select(Appointment.citizen_ref).where(Appointment.phone_index == index).limit(1)
    )
    return by_case or by_booking


def code_of_phone(hub: HubState, db: Session, phone: str) -> SmsCode | None:
    return db.get(SmsCode, hub.keys.blind_index(phone))


# -- limits ----------------------------------------------------------------------------------
def phone_key(hub: HubState, phone: str) -> str:
    """The number as the guard and the rate limits know it (a MAC: not reversible)."""
    return hub.links.sign("sms-guard:" + phone)


def too_many(wait_s: float, what: str) -> ApiError:
    return ApiError(
        429,
        "too_many_requests",
        f"too many {what}; try again later",
        retry_after_s=max(1, round(wait_s + 0.5)),
    )


def limit_messages(hub: HubState, phone: str, address: str) -> None:
    """Count one message to ``phone`` asked from ``address``; 429 past the limits."""
    keys = [f"addr:{address}"]
    if phone:
        keys.append(f"phone:{phone_key(hub, phone)}")
    wait = hub.sms_limits.take(*keys)
    if wait > 0:
        log.info("SMS limit reached (%s)", "phone" if phone else "address")
        raise too_many(wait, "messages")


@dataclass(frozen=True, slots=True)
class _Verdict:
    citizen_ref: str | None = None  # logged in
    locked_s: float = 0.0  # locked for this long


def _locked_for(guard: SmsGuessGuard | None, now: dt.datetime) -> float:
    if guard is None or guard.locked_until is None:
        return 0.0
    return max(0.0, (guard.locked_until - now).total_seconds())


# -- sending and checking codes ---------------------------------------------------------------
def issue_code(hub: HubState, phone: str) -> tuple[str, str] | None:
    """A new code for ``phone`` stored (hashed) in place of any earlier one: (citizen
    reference, code) to send, or None when nothing is sent (an unknown or locked number)."""
    now = hub.clock.now()
    key = phone_key(hub, phone)
    code = f"{secrets.randbelow(10**6):06d}"
    digest = hashlib.sha256(code.encode()).hexdigest()
    with hub.db() as db:
        ref = citizen_of_phone(hub, db, phone)
        row = code_of_phone(hub, db, phone)
        if _locked_for(db.get(SmsGuessGuard, key), now) > 0 or ref is None:
            return None
        expires = now + dt.timedelta(seconds=hub.settings.sms_code_ttl_s)
        if row is None:
            db.add(
                SmsCode(
                    phone_index=hub.keys.blind_index(phone),
                    code_hash=digest,
                    citizen_ref=ref,
                    expires_at=expires,
                )
            )
        else:  # the guess count lives in SmsGuessGuard: a resend does not reset it
            row.code_hash, row.citizen_ref, row.expires_at = digest, ref, expires
    return ref, code


async def send_code(hub: HubState, phone: str, address: str) -> None:
    """Send a login code to ``phone`` if it is known and not locked; the caller answers
    the same whatever happened here (except past the rate limits)."""
    limit_messages(hub, phone, address)
    issued = await asyncio.to_thread(issue_code, hub, phone)
    if issued is None:
        return
    ref, code = issued
    minutes = max(1, round(hub.settings.sms_code_ttl_s / 60))
    message = Message(
        citizen_ref=ref,
        kind="login_code",
        phone=phone,
        text=f"晓屋验证码 {code}，{minutes}分钟内有效。",
    )
    # Held until done (a task nobody references may be collected before it runs).
    sending = hub.login_codes_sending
    task = asyncio.get_running_loop().create_task(_deliver(hub, message))
    sending.add(task)
    task.add_done_callback(sending.discard)


async def _deliver(hub: HubState, message: Message) -> None:
    try:
        await hub.notifier.notify(message)
    except Exception:  # the citizen asks again; nothing else waits on this
        log.exception("a login code could not be sent")


def check_code(hub: HubState, phone: str, code: str, address: str) -> str:
    """The citizen reference ``code`` logs in as; ApiError 401 ``bad_code`` or 429."""
    wait = hub.sms_limits.wait(f"guess:{address}")
    if wait > 0:
        raise too_many(wait, "wrong codes")
    verdict = _verdict(hub, phone, code)  # committed before any refusal below
    if verdict.citizen_ref is not None:
        return verdict.citizen_ref
    if verdict.locked_s > 0:
        raise too_many(verdict.locked_s, "wrong codes")
    hub.sms_limits.hit(f"guess:{address}")
    raise ApiError(401, *BAD_CODE)


def _verdict(hub: HubState, phone: str, code: str) -> _Verdict:
    settings = hub.settings
    now = hub.clock.now()
    key = phone_key(hub, phone)
    digest = hashlib.sha256(code.encode()).hexdigest()
    with hub.db() as db:
        guard = db.get(SmsGuessGuard, key, with_for_update=True)
        locked = _locked_for(guard, now)
        if locked > 0:
            return _Verdict(locked_s=locked)
        row = code_of_phone(hub, db, phone)
        fits = row is not None and hmac.compare_digest(digest, row.code_hash)
        if row is not None and fits and row.citizen_ref and row.expires_at > now:
            ref = row.citizen_ref
            db.delete(row)
            if guard is not None:
                db.delete(guard)
            return _Verdict(citizen_ref=ref)
        window = dt.timedelta(seconds=settings.sms_guess_window_s)
        if guard is None:
            guard = SmsGuessGuard(phone_key=key, failures=0, window_started_at=now)
            db.add(guard)
        elif guard.window_started_at + window <= now or guard.locked_until is not None:
            guard.failures, guard.window_started_at, guard.locked_until = 0, now, None
        guard.failures += 1
        if guard.failures >= settings.sms_max_guesses:
            guard.locked_until = now + dt.timedelta(seconds=settings.sms_lockout_s)
            if row is not None:
                db.delete(row)  # the code sent is void: the next one comes after the lockout
            log.info("SMS login locked for a number after %d wrong codes", guard.failures)
        return _Verdict()
