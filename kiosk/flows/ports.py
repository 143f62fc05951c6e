"""The ports a workflow runner needs: what it asks of the booth's parts and the hub.

These are ``typing.Protocol``s, implemented by ``devices`` (locker, door, ID-card
reader), ``capture`` + ``ocr`` (document camera and reading), ``speech`` (the digital
clerk's dialogue), ``backend`` (the hub, through the outbox) and ``ui`` (the screen).
``kiosk/__main__.py`` wires the concrete classes in; tests pass fakes.

Only what the runner really calls is here. Each method says what it returns and which
error it may raise (from :mod:`kiosk.core.errors`); anything else is a bug.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from kiosk.core.rating import Rating
from kiosk.flows.messages import (
    AskRating,
    ShowCertificate,
    ShowError,
    ShowField,
    ShowForm,
    ShowScreen,
    SubmitCase,
)

ScreenCommand = ShowScreen | ShowError | ShowForm | ShowField | ShowCertificate | AskRating


@dataclass(frozen=True, slots=True)
class Identity:
    """Who the ID-card reader says the citizen is. The photo is not here: never decoded."""

    name: str = field(repr=False)
    id_number: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class CapturedDocument:
    """A document photo, kept in the session vault under ``image_ref``."""

    image_ref: str


class Screen(Protocol):
    """The booth's screen (the UI bridge). Showing is immediate and cannot fail."""

    def show(self, command: ScreenCommand) -> None: ...


class IdentityReader(Protocol):
    async def read(self) -> Identity | None:
        """The card on the reader; None if the citizen chose another way (capture, clerk).

        Raises DeviceError (DeviceTimeout, ProtocolViolation) when the reader fails.
        """
        ...


class DocumentCamera(Protocol):
    async def capture(self, material: str) -> CapturedDocument:
        """Wait for a still, sharp document under the camera and keep its photo.

        Raises CaptureRejected when the photo is unusable (the citizen tries again).
        """
        ...


class Ocr(Protocol):
    async def read(self, image_ref: str, doc_type: str) -> Mapping[str, str]:
        """The fields read from the photo, keyed by catalog form-field key."""
        ...


class Dialogue(Protocol):
    async def ask(self, service: str) -> Mapping[str, str]:
        """Run the digital clerk's questions for ``service``; answers by form-field key."""
        ...


class Locker(Protocol):
    async def open_slot(self, case_id: str) -> str:
        """Open a free slot for the case; its id. Raises DeviceError if none opens."""
        ...

    async def wait_closed(self, slot: str) -> bool:
        """Wait until the slot's door is closed again; whether an item is inside."""
        ...


class Door(Protocol):
    async def unlock(self, seconds: float) -> None:
        """Pulse the booth door's strike. Raises DeviceError if the relay does not answer."""
        ...


class Hub(Protocol):
    """The hub as the booth sees it. Writes go through the outbox, so they do not fail
    when the hub is away; they are sent, in order and exactly once, when it is back."""

    async def call_clerk(self, department: str) -> None: ...

    async def send_field(self, case_id: str, key: str, value: str) -> None: ...

    async def submit(self, command: SubmitCase) -> None: ...

    async def send_rating(self, rating: Rating) -> None: ...

    async def finish(self, case_id: str, outcome: str) -> None: ...
