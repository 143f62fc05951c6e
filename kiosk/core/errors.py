"""The exception tree of Xiaowu.

Every error a citizen, clerk or operator may meet carries a ``code`` that names a
translated message (the UI and the hub look the code up; the English text here is for
logs and developers)::

    XiaowuError
    ├── ConfigError             the configuration file or environment is wrong
    ├── CatalogError            the service catalog does not validate
    ├── DeviceError             a booth device failed
    │   ├── DeviceTimeout       no answer in time
    │   └── ProtocolViolation   the peer sent garbage (bad checksum, unknown frame)
    ├── HubUnavailable          the hub cannot be reached; writes wait in the outbox
    ├── HubRejected             the hub answered with a 4xx and a machine-readable code
    ├── CaptureRejected         a document photo is unusable (blur, glare, no document)
    └── SessionError            a citizen session is in the wrong state

"We misused the protocol" is a programming error and raises the standard library's
``ValueError``/``RuntimeError``; "the peer sent garbage" raises :class:`ProtocolViolation`.
"""

from __future__ import annotations


class XiaowuError(Exception):
    """Base of every error that Xiaowu reports to a person."""

    code = "internal"

    def __init__(self, message: str = "", *, code: str | None = None) -> None:
        super().__init__(message or self.__class__.__doc__ or self.code)
        if code is not None:
            self.code = code


class ConfigError(XiaowuError):
    """The configuration is invalid."""

    code = "config"

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("invalid configuration:\n  " + "\n  ".join(self.problems))


class CatalogError(XiaowuError):
    """The service catalog does not validate."""

    code = "catalog"

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("invalid catalog:\n  " + "\n  ".join(self.problems))


class DeviceError(XiaowuError):
    """A booth device failed."""

    code = "device"


class DeviceTimeout(DeviceError):
    """A device did not answer in time."""

    code = "device_timeout"


class ProtocolViolation(DeviceError):
    """A device sent bytes that break its protocol."""

    code = "device_protocol"


class HubUnavailable(XiaowuError):
    """The hub cannot be reached."""

    code = "hub_unavailable"


class HubRejected(XiaowuError):
    """The hub refused a request."""

    code = "hub_rejected"


class CaptureRejected(XiaowuError):
    """A captured document image is unusable."""

    code = "capture_rejected"


class SessionError(XiaowuError):
    """A citizen session is in the wrong state for the request."""

    code = "session"
