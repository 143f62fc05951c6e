"""Personal data at rest (issue 14, item 5): a real hub stores citizens' names, ID numbers,
phones, forms, OCR fields and document images encrypted; whoever reads the database file
(or dumps the PostgreSQL tables) finds none of them, while allowed callers still get them
through the API, the SMS login still finds the citizen by phone, keys rotate, and a wrong
key stops the hub at start."""

from __future__ import annotations

import base64
import io
import os
import random
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import create_engine, text

from kiosk.core.errors import ConfigError
from kiosk.hub.app import create_app
from kiosk.hub.data_keys import DataKeys, read_key_file, rows_under, write_key_file
from kiosk.hub.notify import Message
from kiosk.hub.server import HubServer
from tests.hub.conftest import Hub, hub_settings

NAME = "欧阳晓雯"
ID_NUMBER = "11010519491231002X"
PHONE = "13912345678"
BANK_CARD = "6222020200112233445"
ADDRESS = "天河区体育西路191号"


def jpeg(seed: int = 7) -> bytes:
    """A real JPEG of noise: its bytes occur nowhere else."""
    rng = random.Random(seed)
    image = Image.new("RGB", (96, 64))
    image.putdata(
        [(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(96 * 64)]
    )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


class Outbox:
    """A notifier that keeps what would go out by SMS (the login code). The hub sends a
    login code from a task of its own (its answer must not wait on the gateway), so a
    test waits for the message rather than reading right after the request."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self._arrived = threading.Condition()

    async def notify(self, message: Message) -> None:
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()

    def wait_for(self, kind: str, timeout: float = 10.0) -> list[Message]:
        with self._arrived:
            self._arrived.wait_for(lambda: any(m.kind == kind for m in self.messages), timeout)
            return [m for m in self.messages if m.kind == kind]


def start(settings: Any, catalog: Any, **kw: Any) -> Hub:
    return Hub(HubServer(settings, catalog=catalog, **kw).start())


def stop(hub: Hub) -> None:
    hub.close()
    hub.server.stop()


@pytest.fixture
def outbox() -> Outbox:
    return Outbox()


@pytest.fixture
def secure_hub(db_url: str, catalog: Any, outbox: Outbox) -> Iterator[Hub]:
    hub = start(hub_settings(db_url), catalog, notifier=outbox)
    try:
        yield hub
    finally:
        stop(hub)


def fill_a_case(hub: Hub, image: bytes) -> dict[str, Any]:
    """Through the API, as a booth does: a case with the citizen, a form, a material."""
    booth = hub.booth("b1")
    r = hub.post(
        booth,
        "/api/v1/cases",
        {
            "service": "hpf-withdrawal-rent",
            "citizen": {"name": NAME, "id_number": ID_NUMBER, "phone": PHONE},
        },
        headers={"Idempotency-Key": f"open-{image[-8:].hex()}"},  # its answer is stored
    )
    assert r.status_code == 201, r.text
    case = r.json()
    r = hub.put(
        booth,
        f"/api/v1/cases/{case['id']}/form",
        {
            "fields": {
                "bank_account": BANK_CARD,
                "property_address": ADDRESS,
                "id_number": ID_NUMBER,
            }
        },
    )
    assert r.status_code == 200, r.text
    r = hub.post(
        booth,
        f"/api/v1/cases/{case['id']}/materials",
        {
            "code": "id_card",
            "doc_type": "id_card",
            "image_base64": base64.b64encode(image).decode(),
            "image_type": "image/jpeg",
            "ocr_fields": {"name": NAME, "id_number": ID_NUMBER},
        },
    )
    assert r.status_code == 201, r.text
    return {**case, "material": r.json()}


def secrets_in_clear(image: bytes) -> dict[str, bytes]:
    return {
        "name": NAME.encode(),
        "id number": ID_NUMBER.encode(),
        "phone": PHONE.encode(),
        "bank card": BANK_CARD.encode(),
        "address": ADDRESS.encode(),
        "image": image[200:264],  # past the JPEG header: the picture's own bytes
    }


def database_dump(db_url: str) -> bytes:
    """Everything a thief of the database sees: the SQLite file and its WAL byte for byte
    plus every row as text; on PostgreSQL every row of every table as text."""
    if db_url.startswith("sqlite"):
        path = Path(db_url.removeprefix("sqlite:///"))
        raw = b"".join(
            p.read_bytes() for p in path.parent.glob(path.name + "*") if p.suffix != ".keys"
        )
        with sqlite3.connect(path) as conn:
            rows = "\n".join(conn.iterdump()).encode()
            blobs = b"".join(
                bytes(b) for (b,) in conn.execute("SELECT image FROM materials") if b is not None
            )
        return raw + rows + blobs
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://", 1))
    out = []
    with engine.connect() as conn:
        tables = conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ).scalars()
        for table in list(tables):
            for (row,) in conn.execute(text(f'SELECT t::text FROM "{table}" t')):
                out.append(row)
            if table == "materials":
                for (blob,) in conn.execute(text("SELECT image FROM materials")):
                    if blob is not None:
                        out.append(bytes(blob).decode("latin-1"))
    engine.dispose()
    return "\n".join(out).encode("utf-8", "surrogateescape")


def test_no_personal_data_is_stored_in_clear_yet_allowed_callers_read_it(
    secure_hub: Hub, db_url: str, outbox: Outbox
) -> None:
    hub = secure_hub
    image = jpeg()
    case = fill_a_case(hub, image)
    booked = hub.post(
        None,
        "/api/v1/appointments",
        {
            "service": "hpf-withdrawal-rent",
            "booth_id": "b1",
            "slot_at": "2099-01-05T10:00:00",
            "name": NAME,
            "phone": PHONE,
        },
    )
    assert booked.status_code == 201, booked.text

    dump = database_dump(db_url)
    for what, value in secrets_in_clear(image).items():
        assert value not in dump, f"the {what} is stored in clear"

    # An allowed caller still gets them, decrypted.
    hpf = hub.clerk("hpf1", "hpf")
    seen = hub.get(hpf, f"/api/v1/cases/{case['id']}").json()
    assert seen["citizen"]["name"] == NAME
    assert seen["citizen"]["id_number"] == "1101**********002X"  # masked, as before
    assert seen["form"]["bank_account"] == BANK_CARD and seen["form"]["property_address"] == ADDRESS
    picture = hub.get(hpf, f"/api/v1/materials/{case['material']['id']}/image")
    assert picture.status_code == 200 and picture.content == image

    # The SMS login finds the citizen by phone through the blind index.
    assert hub.post(None, "/api/v1/citizen/code", {"phone": PHONE}).status_code == 202
    codes = outbox.wait_for("login_code")
    assert codes and codes[-1].phone == PHONE
    code = codes[-1].text.split()[1][:6]
    login = hub.post(None, "/api/v1/citizen/login", {"phone": PHONE, "code": code})
    assert login.status_code == 200, login.text
    mine = hub.get(login.json()["citizen_token"], "/api/v1/citizen/overview").json()
    assert case["id"] in [c["id"] for c in mine["cases"]]
    assert PHONE.encode() not in database_dump(db_url)  # nor in the SMS code's row


def test_the_inbox_keeps_no_login_link(secure_hub: Hub, outbox: Outbox, catalog: Any) -> None:
    """An SMS's link logs in for days, not the page link's month; the inbox stores none."""
    hub = secure_hub
    hub.booth("b0")
    booked = hub.post(
        None,
        "/api/v1/appointments",
        {
            "service": "hpf-withdrawal-rent",
            "booth_id": "b0",
            "slot_at": "2099-01-05T10:00:00",
            "phone": PHONE,
        },
    )
    assert booked.status_code == 201, booked.text
    token = booked.json()["citizen_token"]
    sms = [m for m in outbox.messages if m.kind == "appointment_booked"][-1]
    assert "#t=" in sms.link
    expiry = int(sms.link.split("#t=", 1)[1].split(".")[2])
    assert expiry - hub.state.clock.now().timestamp() <= hub.state.settings.message_link_ttl_s + 1
    assert expiry < int(token.split(".")[2])

    inbox_hub = start(hub_settings(hub.state.settings.db_url), catalog)  # the real inbox
    try:
        inbox_hub.booth("b0")
        booked = inbox_hub.post(
            None,
            "/api/v1/appointments",
            {"service": "hpf-withdrawal-rent", "booth_id": "b0", "slot_at": "2099-01-05T10:00:00"},
        )
        mine = inbox_hub.get(booked.json()["citizen_token"], "/api/v1/citizen/overview").json()
        assert [n["link"].endswith("/m/") for n in mine["inbox"]] == [True]
    finally:
        stop(inbox_hub)


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "hub-data.keys"
    write_key_file(path, DataKeys.generate())
    return path


def test_keys_rotate_and_reencrypt_leaves_nothing_under_the_old_key(
    db_url: str, catalog: Any, key_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = hub_settings(db_url, data_key_file=str(key_file))
    old = read_key_file(key_file).current
    hub = start(settings, catalog)
    image = jpeg(3)
    first = fill_a_case(hub, image)
    stop(hub)

    from kiosk.__main__ import main as kiosk

    assert kiosk(["hub", "--new-data-key", str(key_file)]) == 0
    new = read_key_file(key_file).current
    assert new != old and old in read_key_file(key_file).keys
    assert key_file.stat().st_mode & 0o777 == 0o600

    hub = start(settings, catalog)
    hpf = hub.clerk("hpf1", "hpf")
    assert hub.get(hpf, f"/api/v1/cases/{first['id']}").json()["citizen"]["name"] == NAME
    second = fill_a_case(hub, jpeg(4))
    under = {}
    for column, key_id in rows_under(hub.state.engine):
        under.setdefault(key_id, set()).add(column)
    assert set(under) == {old, new}  # old rows still old, new ones new
    stop(hub)

    monkeypatch.setenv("XIAOWU_HUB_SERVER__DATA_KEY_FILE", str(key_file))
    assert kiosk(["hub", "--db", db_url, "--reencrypt"]) == 0
    monkeypatch.delenv("XIAOWU_HUB_SERVER__DATA_KEY_FILE")
    from kiosk.hub.db import make_engine

    engine = make_engine(db_url)
    from kiosk.hub.data_keys import attach

    attach(engine, read_key_file(key_file))
    assert {key_id for _, key_id in rows_under(engine)} == {new}
    engine.dispose()

    # The old key can go: everything reads with the new one alone.
    keys = read_key_file(key_file)
    write_key_file(key_file, DataKeys(new, {new: keys.keys[new]}, keys.index_key))
    hub = start(settings, catalog)
    try:
        hpf = hub.http.post(
            "/api/v1/auth/login", json={"username": "hpf1", "password": "correct horse battery"}
        ).json()["token"]
        for case in (first, second):
            assert hub.get(hpf, f"/api/v1/cases/{case['id']}").json()["citizen"]["name"] == NAME
        picture = hub.get(hpf, f"/api/v1/materials/{first['material']['id']}/image")
        assert picture.content == image
    finally:
        stop(hub)


def test_a_wrong_or_unsafe_key_stops_the_hub_at_start(
    tmp_path: Path, catalog: Any, key_file: Path
) -> None:
    db_url = f"sqlite:///{tmp_path}/hub.sqlite3"
    hub = start(hub_settings(db_url, data_key_file=str(key_file)), catalog)
    fill_a_case(hub, jpeg())
    stop(hub)

    other = tmp_path / "other.keys"
    write_key_file(other, DataKeys.generate())
    with pytest.raises(
        ConfigError, match=r"data_key_file.*(not in the hub's data key file|does not)"
    ):
        create_app(hub_settings(db_url, data_key_file=str(other)), catalog=catalog)

    os.chmod(key_file, 0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        create_app(hub_settings(db_url, data_key_file=str(key_file)), catalog=catalog)

    with pytest.raises(ConfigError, match="PostgreSQL needs a data key file"):
        create_app(
            hub_settings("postgresql://nobody@127.0.0.1:1/none", data_key_file=""), catalog=catalog
        )


def test_the_migration_encrypts_rows_stored_in_clear(db_url: str, catalog: Any) -> None:
    """A hub database from before (revision 0002) holding plain personal data."""
    from alembic import command
    from alembic.config import Config as AlembicConfig

    from kiosk.hub.db import MIGRATIONS, make_engine

    engine = make_engine(db_url)
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002_fleet")
    image = jpeg(9)
    stamp = "2026-12-01 08:00:00+00:00"
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO cases (id, service_code, citizen_ref, citizen_name, "
                "citizen_id_number, citizen_phone, status, form, created_at, updated_at) "
                "VALUES ('c1', 'hpf-withdrawal-rent', 'r1', :name, :idn, :phone, 'open', "
                ":form, :at, :at)"
            ),
            {
                "name": NAME,
                "idn": ID_NUMBER,
                "phone": PHONE,
                "form": f'{{"bank_account": "{BANK_CARD}"}}',
                "at": stamp,
            },
        )
        conn.execute(
            text(
                "INSERT INTO case_departments (case_id, department, status) "
                "VALUES ('c1', 'hpf', 'pending')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO materials (id, case_id, code, image, image_type, ocr_fields, "
                "trust_level, created_at) VALUES ('m1', 'c1', 'id_card', :image, "
                "'image/jpeg', :fields, 'C', :at)"
            ),
            {"image": image, "fields": f'{{"id_number": "{ID_NUMBER}"}}', "at": stamp},
        )
        conn.execute(
            text(
                "INSERT INTO notifications (citizen_ref, kind, text, link, created_at) "
                "VALUES ('r1', 'case_done', 'done', 'http://hub/m/#t=ct.r1.99.mac', :at)"
            ),
            {"at": stamp},
        )
    engine.dispose()

    hub = start(hub_settings(db_url), catalog)
    try:
        hpf = hub.clerk("hpf1", "hpf")
        seen = hub.get(hpf, "/api/v1/cases/c1").json()
        assert seen["citizen"]["name"] == NAME and seen["form"]["bank_account"] == BANK_CARD
        assert hub.get(hpf, "/api/v1/materials/m1/image").content == image
    finally:
        stop(hub)
    # Once the hub has stopped (SQLite: its WAL folded into the file, old pages
    # overwritten and freed ones zeroed), nothing of the clear rows is left.
    dump = database_dump(db_url)
    for value in (NAME, ID_NUMBER, PHONE, BANK_CARD, "#t="):
        assert value.encode() not in dump, value
    assert image[200:264] not in dump
