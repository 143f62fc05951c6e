"""Personal data at rest: the hub's data keys, encrypted column types and blind indexes.

Citizens' names, ID numbers, phones, case forms, OCR fields, material images and the
citizen inbox are stored encrypted with AES-256-GCM (``cryptography``'s AESGCM). Every
ciphertext names the key that made it, so keys rotate: the :class:`DataKeys` keyring holds
one current key that encrypts and older keys that still decrypt, and
:func:`reencrypt_all` rewrites every value under the current key (``kiosk hub
--reencrypt``). The column name is bound into each ciphertext as associated data, so a
value copied into another column fails to decrypt instead of being read as that column.

Why AES-GCM rather than Fernet: Fernet carries no key id (MultiFernet tries every key in
turn) and base64-inflates images by a third; here a value is ``version | key id | nonce |
ciphertext+tag``, binary for images and base64 text for text columns.

Lookups by a secret value (a citizen's phone for the SMS login) use a *blind index*: an
HMAC-SHA256 of the normalised value under a separate index key, which does not rotate with
the data keys (rotating it would need every index recomputed: ``--reencrypt`` does that).

The keyring reaches the column types through the engine's dialect (:func:`attach`): each
engine has its own dialect object, so two hubs in one process (tests) keep their own keys,
and a value is never written in clear by an engine without keys.

The key file (``[hub_server] data_key_file``) is text, one key a line, the first one
current::

    # Xiaowu hub data keys
    k20261204 <base64 of 32 random bytes>
    k20250601 <base64 of 32 random bytes>
    blind-index <base64 of 32 random bytes>

It must not be readable by group or others (mode 0600), as an SSH key.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import (
    Engine,
    LargeBinary,
    TableClause,
    Text,
    TypeDecorator,
    column,
    inspect,
    select,
    table,
    update,
)
from sqlalchemy.engine import make_url

INDEX_KEY_ID = "blind-index"
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_BINARY_MAGIC = b"XW1"  # binary values: magic | key id length | key id | nonce | sealed
_TEXT_PREFIX = "xw1:"  # text values: xw1:<key id>:<base64 of nonce | sealed>
_DIALECT_ATTR = "xiaowu_data_keys"

log = logging.getLogger(__name__)


class DataKeyError(Exception):
    """The data keys are missing, malformed, unsafe, or do not open the stored values."""


@dataclass(frozen=True)
class DataKeys:
    """A keyring: ``current`` encrypts; every key in ``keys`` decrypts what it made."""

    current: str
    keys: dict[str, bytes]
    index_key: bytes

    def __post_init__(self) -> None:
        if self.current not in self.keys:
            raise DataKeyError(f"the current key {self.current!r} is not in the keyring")
        for key_id, key in {**self.keys, INDEX_KEY_ID: self.index_key}.items():
            if len(key) != 32:
                raise DataKeyError(f"key {key_id!r} is not 32 bytes (AES-256)")

    # -- sealing ---------------------------------------------------------------------------
    def seal(self, plain: bytes, purpose: str) -> tuple[str, bytes]:
        """(key id, nonce | ciphertext | tag) of ``plain`` bound to ``purpose``."""
        nonce = secrets.token_bytes(12)
        sealed = AESGCM(self.keys[self.current]).encrypt(nonce, plain, purpose.encode())
        return self.current, nonce + sealed

    def open(self, key_id: str, sealed: bytes, purpose: str) -> bytes:
        key = self.keys.get(key_id)
        if key is None:
            raise DataKeyError(
                f"a value of {purpose} was encrypted with key {key_id!r}, which is not in the "
                "hub's data key file (an old key removed too early, or the wrong file)"
            )
        try:
            return AESGCM(key).decrypt(sealed[:12], sealed[12:], purpose.encode())
        except InvalidTag:
            raise DataKeyError(
                f"a value of {purpose} does not decrypt with key {key_id!r}: the key file "
                "does not hold the key this database was encrypted with"
            ) from None

    def encrypt_bytes(self, plain: bytes, purpose: str) -> bytes:
        key_id, sealed = self.seal(plain, purpose)
        return _BINARY_MAGIC + bytes([len(key_id)]) + key_id.encode() + sealed

    def decrypt_bytes(self, stored: bytes, purpose: str) -> bytes:
        key_id, sealed = split_binary(stored)
        return self.open(key_id, sealed, purpose)

    def encrypt_text(self, plain: str, purpose: str) -> str:
        key_id, sealed = self.seal(plain.encode(), purpose)
        return f"{_TEXT_PREFIX}{key_id}:{base64.b64encode(sealed).decode()}"

    def decrypt_text(self, stored: str, purpose: str) -> str:
        key_id, sealed = split_text(stored)
        return self.open(key_id, sealed, purpose).decode()

    # -- blind index -----------------------------------------------------------------------
    def blind_index(self, value: str, kind: str = "phone") -> str:
        """An HMAC of the normalised value: equal values match, the value is not revealed.

        40 hex characters (160 bits): enough against collisions, and fits the columns that
        held the values before."""
        normal = normalise_phone(value) if kind == "phone" else value.strip()
        message = f"{kind}:{normal}".encode()
        return hmac.new(self.index_key, message, hashlib.sha256).hexdigest()[:40]

    # -- files -----------------------------------------------------------------------------
    @classmethod
    def generate(cls) -> DataKeys:
        key_id = new_key_id()
        return cls(key_id, {key_id: AESGCM.generate_key(256)}, AESGCM.generate_key(256))

    @classmethod
    def from_text(cls, text: str, where: str) -> DataKeys:
        keys: dict[str, bytes] = {}
        index_key = b""
        current = ""
        for number, line in enumerate(text.splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split()
            if len(parts) != 2 or not _KEY_ID.match(parts[0]):
                raise DataKeyError(f"{where}:{number}: expected '<key id> <base64 key>'")
            try:
                key = base64.b64decode(parts[1], validate=True)
            except (binascii.Error, ValueError):
                raise DataKeyError(f"{where}:{number}: the key is not base64") from None
            if len(key) != 32:
                raise DataKeyError(f"{where}:{number}: the key is not 32 bytes (AES-256)")
            if parts[0] == INDEX_KEY_ID:
                index_key = key
            elif parts[0] in keys:
                raise DataKeyError(f"{where}:{number}: key id {parts[0]!r} given twice")
            else:
                keys[parts[0]] = key
                current = current or parts[0]
        if not keys:
            raise DataKeyError(f"{where}: no data key")
        if not index_key:
            raise DataKeyError(f"{where}: no '{INDEX_KEY_ID}' key for the blind index")
        return cls(current, keys, index_key)

    def to_text(self) -> str:
        lines = ["# Xiaowu hub data keys: '<key id> <base64 key>'; the first one encrypts."]
        order = [self.current] + [k for k in self.keys if k != self.current]
        lines += [f"{k} {base64.b64encode(self.keys[k]).decode()}" for k in order]
        lines.append(f"{INDEX_KEY_ID} {base64.b64encode(self.index_key).decode()}")
        return "\n".join(lines) + "\n"

    def with_new_current(self) -> DataKeys:
        """The keyring with a fresh current key; the others stay to decrypt."""
        key_id = new_key_id()
        while key_id in self.keys:
            key_id = new_key_id()
        return DataKeys(key_id, {key_id: AESGCM.generate_key(256), **self.keys}, self.index_key)


def new_key_id() -> str:
    return "k" + dt.datetime.now(dt.UTC).strftime("%Y%m%d") + secrets.token_hex(3)


def normalise_phone(value: str) -> str:
    """Digits only, the mainland's +86 / 0086 prefix dropped from 11-digit mobiles."""
    digits = re.sub(r"[^0-9]", "", value)
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            return digits[len(prefix) :]
    return digits


def split_binary(stored: bytes) -> tuple[str, bytes]:
    if not stored.startswith(_BINARY_MAGIC) or len(stored) < 5:
        raise DataKeyError("a stored value is not encrypted (plain data in an encrypted column)")
    length = stored[3]
    return stored[4 : 4 + length].decode(), stored[4 + length :]


def split_text(stored: str) -> tuple[str, bytes]:
    if not stored.startswith(_TEXT_PREFIX):
        raise DataKeyError("a stored value is not encrypted (plain data in an encrypted column)")
    key_id, _, body = stored[len(_TEXT_PREFIX) :].partition(":")
    return key_id, base64.b64decode(body)


def key_id_of(stored: str | bytes) -> str:
    """The id of the key a stored value was encrypted with."""
    if isinstance(stored, bytes):
        return split_binary(stored)[0]
    return split_text(stored)[0]


def read_key_file(path: str | os.PathLike[str]) -> DataKeys:
    """The keyring in ``path``; refuses a file that group or others may read."""
    file = Path(path)
    try:
        mode = file.stat().st_mode
        text = file.read_text()
    except OSError as exc:
        raise DataKeyError(f"{file}: cannot read the data key file ({exc.strerror})") from None
    if mode & 0o077:
        raise DataKeyError(
            f"{file}: the data key file may be read by others (mode {mode & 0o777:o}); "
            f"chmod 600 {file}"
        )
    return DataKeys.from_text(text, str(file))


def write_key_file(path: str | os.PathLike[str], keys: DataKeys) -> None:
    """Write ``keys`` to ``path`` with mode 0600 from the start (never briefly readable)."""
    file = Path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_name(file.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(keys.to_text())
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, file)


# -- the engine's keys and the column types ------------------------------------------------
def attach(engine: Engine, keys: DataKeys) -> None:
    """Give ``engine``'s encrypted columns their keys (see the module docstring)."""
    setattr(engine.dialect, _DIALECT_ATTR, keys)


def keys_of(dialect: Any) -> DataKeys:
    keys = getattr(dialect, _DIALECT_ATTR, None)
    if keys is None:
        raise DataKeyError("this database engine has no data keys: personal data stays out")
    return keys  # type: ignore[no-any-return]


class EncryptedText(TypeDecorator[str]):
    """A text column stored as ``xw1:<key id>:<base64>``; read back in clear."""

    impl = Text
    cache_ok = True

    def __init__(self, purpose: str) -> None:
        super().__init__()
        self.purpose = purpose

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        if value is None:
            return None
        return keys_of(dialect).encrypt_text(value, self.purpose)

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        if value is None:
            return None
        return keys_of(dialect).decrypt_text(value, self.purpose)


class EncryptedJSON(TypeDecorator[Any]):
    """A JSON document (a form, OCR fields) encrypted as :class:`EncryptedText`."""

    impl = Text
    cache_ok = True

    def __init__(self, purpose: str) -> None:
        super().__init__()
        self.purpose = purpose

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        plain = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return keys_of(dialect).encrypt_text(plain, self.purpose)

    def process_result_value(self, value: str | None, dialect: Any) -> Any:
        if value is None:
            return None
        return json.loads(keys_of(dialect).decrypt_text(value, self.purpose))


class EncryptedBytes(TypeDecorator[bytes]):
    """A binary column (a document image) stored as binary ciphertext."""

    impl = LargeBinary
    cache_ok = True

    def __init__(self, purpose: str) -> None:
        super().__init__()
        self.purpose = purpose

    def process_bind_param(self, value: bytes | None, dialect: Any) -> bytes | None:
        if value is None:
            return None
        return keys_of(dialect).encrypt_bytes(bytes(value), self.purpose)

    def process_result_value(self, value: bytes | None, dialect: Any) -> bytes | None:
        if value is None:
            return None
        return keys_of(dialect).decrypt_bytes(bytes(value), self.purpose)


# Every encrypted column: (table, primary key columns, column, kind). The purpose bound
# into each ciphertext is "<table>.<column>". The migration and --reencrypt walk this list.
ENCRYPTED_COLUMNS: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("cases", ("id",), "citizen_name", "text"),
    ("cases", ("id",), "citizen_id_number", "text"),
    ("cases", ("id",), "citizen_phone", "text"),
    ("cases", ("id",), "form", "json"),
    ("materials", ("id",), "image", "bytes"),
    ("materials", ("id",), "ocr_fields", "json"),
    ("appointments", ("id",), "name", "text"),
    ("appointments", ("id",), "phone", "text"),
    ("notifications", ("id",), "text", "text"),
    ("notifications", ("id",), "link", "text"),
    ("certificates", ("id",), "pdf", "bytes"),  # it names the holder
    # The first answers stored for retries hold what the API answered: a case with its
    # citizen's name, a form.
    ("idempotency", ("scope", "key"), "body", "bytes"),
    (
        "fed_forwarded_cases",
        ("ref",),
        "citizen",
        "json",
    ),  # held for a peer (kiosk.hub.federation_outbox)
)
# Blind indexes: (table, index column, the encrypted column it indexes).
BLIND_INDEXES: tuple[tuple[str, str, str], ...] = (
    ("cases", "citizen_phone_index", "citizen_phone"),
    ("appointments", "phone_index", "phone"),
)


def column_type(table: str, column: str, kind: str) -> TypeDecorator[Any]:
    purpose = f"{table}.{column}"
    if kind == "bytes":
        return EncryptedBytes(purpose)
    if kind == "json":
        return EncryptedJSON(purpose)
    return EncryptedText(purpose)


def reencrypt_all(engine: Engine, keys: DataKeys, batch: int = 100) -> dict[str, int]:
    """Rewrite every encrypted value not under the current key, and every blind index;
    how many values each key id held before (``{"k2025...": 12, ...}``).

    A column is walked by primary key, ``batch`` rows a transaction: memory stays small
    with thousands of images, and running hubs wait for short write locks only."""
    counts: dict[str, int] = {}
    attach(engine, keys)
    for name, primary, col, kind in ENCRYPTED_COLUMNS:
        t = _table(name, primary, col, kind)
        typed = column_type(name, col, kind)
        pk = [t.c[p] for p in primary]
        with engine.connect() as conn:
            ids = [tuple(row) for row in conn.execute(select(*pk))]
        for start in range(0, len(ids), batch):
            with engine.begin() as conn:
                for ident in ids[start : start + batch]:
                    where = [c == v for c, v in zip(pk, ident, strict=True)]
                    stored = conn.scalar(select(t.c[col]).where(*where))
                    if stored is None:
                        continue
                    key_id = key_id_of(bytes(stored) if kind == "bytes" else stored)
                    counts[key_id] = counts.get(key_id, 0) + 1
                    if key_id == keys.current:
                        continue
                    plain = typed.process_result_value(stored, conn.dialect)
                    fresh = typed.process_bind_param(plain, conn.dialect)
                    conn.execute(update(t).where(*where).values({col: fresh}))
    for name, index_col, source in BLIND_INDEXES:
        t = table(name, column("id"), column(index_col), column(source, Text))
        typed = column_type(name, source, "text")
        with engine.begin() as conn:
            for row_id, stored_phone in conn.execute(select(t.c.id, t.c[source])).all():
                phone = (
                    typed.process_result_value(stored_phone, conn.dialect) if stored_phone else ""
                )
                value = keys.blind_index(phone) if phone else ""
                conn.execute(update(t).where(t.c.id == row_id).values({index_col: value}))
    return counts


def _table(name: str, primary: tuple[str, ...], col: str, kind: str) -> TableClause:
    """A lightweight table of the primary key and the raw (still encrypted) column."""
    raw = LargeBinary if kind == "bytes" else Text
    return table(name, *(column(p) for p in primary), column(col, raw))


def rows_under(engine: Engine) -> Iterator[tuple[str, str]]:
    """(``table.column``, key id) of every stored encrypted value (for checks and tests)."""
    with engine.connect() as conn:
        for name, primary, col, kind in ENCRYPTED_COLUMNS:
            t = _table(name, primary, col, kind)
            for (stored,) in conn.execute(select(t.c[col])).all():
                if stored is not None:
                    yield f"{name}.{col}", key_id_of(bytes(stored) if kind == "bytes" else stored)


def load_data_keys(key_file: str, db_url: str) -> DataKeys:
    """The keyring the hub runs with.

    ``key_file`` set: that file. Otherwise, for a SQLite file, ``<database>.keys`` beside it,
    made with mode 0600 on first start (demos and tests; whoever copies the directory takes
    the key too, so a real hub names a key file kept elsewhere); for an in-memory SQLite
    database, a key for this process. PostgreSQL without a key file refuses to start: a
    shared database is a real installation, and hubs sharing it need the same key."""

    if key_file:
        return read_key_file(key_file)
    url = make_url(db_url)
    if url.get_backend_name() != "sqlite":
        raise DataKeyError(
            "none is set, and a hub on PostgreSQL needs a data key file "
            "(make one with: kiosk hub --new-data-key /etc/xiaowu/hub-data.keys)"
        )
    if not url.database or url.database == ":memory:":
        return DataKeys.generate()
    beside = Path(url.database + ".keys")
    if not beside.exists():
        write_key_file(beside, DataKeys.generate())
        log.warning("made a data key file beside the database: %s", beside)
    return read_key_file(beside)


def check_readable(engine: Engine) -> None:
    """Decrypt one stored value of every encrypted column: a wrong key file stops the hub
    at start with a clear error instead of failing at the first citizen."""
    names = set(inspect(engine).get_table_names())
    keys = keys_of(engine.dialect)
    with engine.connect() as conn:
        for name, _primary, col, kind in ENCRYPTED_COLUMNS:
            if name not in names:
                continue
            t = _table(name, (), col, kind)
            stored = conn.scalar(select(t.c[col]).where(t.c[col].is_not(None)).limit(1))
            if stored is None:
                continue
            if kind == "bytes":
                keys.decrypt_bytes(bytes(stored), f"{name}.{col}")
            else:
                keys.decrypt_text(stored, f"{name}.{col}")
