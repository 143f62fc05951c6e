"""The operator's PIN: a salted scrypt hash in the config, and a gate that counts wrong tries.

The PIN itself is never stored: ``BoothConfig.operator_pin_hash`` holds
``scrypt$<n>$<r>$<p>$<salt hex>$<hash hex>`` made by :func:`hash_pin`
(``python -m kiosk.ui.operator_pin`` prints one). :class:`PinGate` is plain logic with the
time passed in: after ``max_tries`` wrong PINs in a row it refuses every PIN, right or
wrong, for ``lockout_s`` seconds, so a citizen cannot guess a six-digit PIN by trying.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets

SCHEME = "scrypt"
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
MAX_TRIES = 5
LOCKOUT_S = 300.0


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=32)


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """The string to put in ``operator_pin_hash`` for ``pin``."""
    if not pin.isdigit() or not 4 <= len(pin) <= 12:
        raise ValueError("an operator PIN is 4 to 12 digits")
    salt = salt or secrets.token_bytes(16)
    digest = _scrypt(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"{SCHEME}${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    """Whether ``pin`` matches ``stored``; an empty or malformed ``stored`` matches nothing."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        return False
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt, expected = bytes.fromhex(parts[4]), bytes.fromhex(parts[5])
        digest = _scrypt(pin, salt, n, r, p)
    except ValueError:
        return False
    return hmac.compare_digest(digest, expected)


class PinResult(enum.Enum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    LOCKED = "locked"  # refused without looking: too many wrong tries


class PinGate:
    """Checks PINs against one stored hash, counting wrong tries and locking out."""

    def __init__(
        self, stored_hash: str, *, max_tries: int = MAX_TRIES, lockout_s: float = LOCKOUT_S
    ) -> None:
        self._stored = stored_hash
        self.max_tries = max_tries
        self.lockout_s = lockout_s
        self.wrong_tries = 0
        self._locked_until: float | None = None

    @property
    def configured(self) -> bool:
        return bool(self._stored)

    def locked_for(self, now: float) -> float:
        """Seconds left of a lockout (0 when PINs are accepted for checking)."""
        if self._locked_until is None:
            return 0.0
        left = self._locked_until - now
        if left <= 0:
            self._locked_until = None
            self.wrong_tries = 0
            return 0.0
        return left

    def tries_left(self) -> int:
        return self.max_tries - self.wrong_tries

    def check(self, pin: str, now: float) -> PinResult:
        if self.locked_for(now) > 0:
            return PinResult.LOCKED
        if verify_pin(pin, self._stored):
            self.wrong_tries = 0
            return PinResult.ACCEPTED
        self.wrong_tries += 1
        if self.wrong_tries >= self.max_tries:
            self._locked_until = now + self.lockout_s
            return PinResult.LOCKED
        return PinResult.WRONG


if __name__ == "__main__":  # pragma: no cover - an installer's one-off helper
    import getpass

    print(hash_pin(getpass.getpass("operator PIN (4-12 digits): ")))
