"""Telling citizens that something happened: the notifier port and its two adapters.

- :class:`InboxNotifier` (always on) stores the message for the citizen page's inbox.
- :class:`SmsGatewayNotifier` also posts it to an SMS gateway as JSON, retrying with
  backoff on network errors and 5xx answers. The request body is::

      POST <sms_gateway_url>
      Content-Type: application/json
      Idempotency-Key: <message id>
      {"id": "<message id>", "to": "<phone>", "template": "<kind>",
       "text": "<message text>", "link": "<URL or empty>"}

  Any 2xx answer means delivered; 4xx is final (logged, not retried).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from typing import Protocol

import httpx
from sqlalchemy.orm import Session, sessionmaker

from kiosk.core.clock import Clock
from kiosk.hub.models import Notification

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Message:
    citizen_ref: str
    kind: str  # certificate_issued | case_updated | appointment_booked | login_code
    text: str
    link: str = ""
    phone: str = ""


class Notifier(Protocol):
    async def notify(self, message: Message) -> None: ...


class InboxNotifier:
    """Keeps messages for the citizen page's inbox, without the login token of their link:
    the inbox is read by a citizen logged in already, and a stored token would be a key to
    her page kept in the database (the SMS carries it, short-lived: case_news.message_link).
    """

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    async def notify(self, message: Message) -> None:
        if message.kind == "login_code":
            return  # a login code in the inbox of the account it unlocks is useless
        await asyncio.to_thread(self._store, message)

    def _store(self, message: Message) -> None:
        with self._sessions.begin() as db:
            db.add(
                Notification(
                    citizen_ref=message.citizen_ref,
                    kind=message.kind,
                    text=message.text,
                    link=message.link.split("#", 1)[0],
                )
            )


class SmsGatewayNotifier:
    """Delivers to the inbox and, for messages with a phone number, to an SMS gateway."""

    def __init__(
        self,
        inbox: Notifier,
        url: str,
        clock: Clock,
        *,
        retries: int = 3,
        backoff_s: float = 0.5,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._inbox = inbox
        self._url = url
        self._clock = clock
        self._retries = retries
        self._backoff_s = backoff_s
        self._transport = transport

    async def notify(self, message: Message) -> None:
        await self._inbox.notify(message)
        if message.phone:
            await self.send_sms(message)

    async def send_sms(self, message: Message) -> bool:
        message_id = uuid.uuid4().hex
        body = {
            "id": message_id,
            "to": message.phone,
            "template": message.kind,
            "text": message.text,
            "link": message.link,
        }
        headers = {"Idempotency-Key": message_id}
        async with httpx.AsyncClient(timeout=10.0, transport=self._transport) as client:
            for attempt in range(self._retries + 1):
                try:
                    response = await client.post(self._url, json=body, headers=headers)
                except httpx.HTTPError as exc:
                    log.info("SMS gateway unreachable (attempt %d): %s", attempt + 1, exc)
                else:
                    if response.is_success:
                        log.info("SMS %s delivered to the gateway", message.kind)
                        return True
                    if response.status_code < 500:
                        log.warning("SMS gateway refused a message: %d", response.status_code)
                        return False
                    log.info(
                        "SMS gateway failed (attempt %d): %d", attempt + 1, response.status_code
                    )
                if attempt < self._retries:
                    await self._clock.sleep(self._backoff_s * 2**attempt)
        log.warning("SMS %s not delivered after %d attempts", message.kind, self._retries + 1)
        return False
