"""Speech models on disk: the known models, installing them, verifying a directory.

A model is installed as ``<models dir>/<name>/`` with a manifest
``xiaowu-model.json`` recording where it came from, the archive's SHA-256 and every
file's size and SHA-256, so :func:`verify_model` can tell a complete model from a
damaged one later. Installing downloads the archive (or takes a local zip), checks its
SHA-256 *before* unpacking, unpacks it safely (no path leaves the target), finds the
model root inside (the folder with ``am/`` and ``conf/``), and moves it into place in
one rename, so a failed install leaves nothing half-done.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from kiosk.config import BoothConfig, SpeechConfig
from kiosk.core.errors import XiaowuError

MANIFEST = "xiaowu-model.json"
_CHUNK = 1 << 20


class ModelInstallError(XiaowuError):
    """A speech model could not be installed or does not verify."""

    code = "speech_model_install"


@dataclass(frozen=True, slots=True)
class KnownModel:
    name: str
    url: str
    sha256: str | None  # None: not pinned here; install asks for --sha256
    size_mb: int
    language: str
    note: str


OFFICIAL = "https://alphacephei.com/vosk/models/"

KNOWN_MODELS: dict[str, KnownModel] = {
    m.name: m
    for m in (
        KnownModel(
            "vosk-model-small-cn-0.22",
            OFFICIAL + "vosk-model-small-cn-0.22.zip",
            None,
            42,
            "zh_CN",
            "Mandarin, small: the booth's model (about 300 MB RAM)",
        ),
        KnownModel(
            "vosk-model-cn-0.22",
            OFFICIAL + "vosk-model-cn-0.22.zip",
            None,
            1300,
            "zh_CN",
            "Mandarin, large: server-class memory",
        ),
        KnownModel(
            "vosk-model-small-en-us-0.15",
            OFFICIAL + "vosk-model-small-en-us-0.15.zip",
            None,
            40,
            "en",
            "English, small",
        ),
    )
}

# What a vosk model directory must hold (relative paths), and alternatives for the graph.
REQUIRED_FILES = ("am/final.mdl", "conf/model.conf", "conf/mfcc.conf")
GRAPH_CHOICES = (("graph/HCLG.fst",), ("graph/HCLr.fst", "graph/Gr.fst"))
IVECTOR_FILES = ("ivector/final.ie", "ivector/final.dubm", "ivector/final.mat")

Progress = Callable[[int, int | None], None]  # (bytes so far, total or None)


@dataclass(frozen=True, slots=True)
class Verification:
    path: Path
    ok: bool
    problems: tuple[str, ...]
    name: str | None = None
    files: int = 0


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def download(
    url: str, target: Path, progress: Progress | None = None, timeout: float = 60.0
) -> str:
    """Fetch ``url`` into ``target``; return the SHA-256 of what was written.

    Only ``https://`` and ``http://`` (the archive's SHA-256 is checked after): no
    ``file:`` or other schemes that urllib would also open."""
    if urllib.parse.urlsplit(url).scheme not in ("https", "http"):
        raise ModelInstallError(f"not a web address: {url}")
    digest = hashlib.sha256()
    try:
        opened = urllib.request.urlopen(url, timeout=timeout)  # nosec B310 # scheme checked above
        with opened as response, target.open("wb") as out:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            done = 0
            while block := response.read(_CHUNK):
                out.write(block)
                digest.update(block)
                done += len(block)
                if progress:
                    progress(done, total)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        target.unlink(missing_ok=True)
        raise ModelInstallError(f"cannot download {url}: {exc}") from exc
    if total is not None and done != total:
        target.unlink(missing_ok=True)
        raise ModelInstallError(f"download of {url} stopped at {done} of {total} bytes")
    return digest.hexdigest()


def install_archive(
    archive: Path,
    models_dir: Path,
    name: str,
    *,
    expected_sha256: str | None,
    source: str,
    force: bool = False,
) -> Path:
    """Unpack the model zip ``archive`` as ``models_dir/name``; return that path."""
    actual = sha256_of(archive)
    if expected_sha256 is not None and actual != expected_sha256.lower():
        raise ModelInstallError(
            f"{archive.name}: SHA-256 is {actual}, expected {expected_sha256}; not installed"
        )
    target = models_dir / name
    if target.exists() and not force:
        raise ModelInstallError(f"{target} already exists (use --force to replace it)")
    models_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".install-", dir=models_dir) as tmp:
        unpacked = Path(tmp) / "unpacked"
        _safe_extract(archive, unpacked)
        root = _model_root(unpacked)
        problems = _structure_problems(root)
        if problems:
            raise ModelInstallError(f"{archive.name} is not a vosk model: " + "; ".join(problems))
        _write_manifest(root, name=name, source=source, archive_sha256=actual)
        if target.exists():
            shutil.rmtree(target)
        root.rename(target)
    return target


def _safe_extract(archive: Path, into: Path) -> None:
    try:
        with zipfile.ZipFile(archive) as zf:
            for member in zf.infolist():
                path = (into / member.filename).resolve()
                if not path.is_relative_to(into.resolve()):
                    raise ModelInstallError(f"{archive.name}: unsafe path {member.filename!r}")
            zf.extractall(into)
    except zipfile.BadZipFile as exc:
        raise ModelInstallError(f"{archive.name}: not a zip archive ({exc})") from exc


def _model_root(folder: Path) -> Path:
    candidates = sorted(
        p.parent for p in folder.rglob("am") if p.is_dir() and (p.parent / "conf").is_dir()
    )
    if not candidates:
        raise ModelInstallError("the archive holds no model (no folder with am/ and conf/)")
    return min(candidates, key=lambda p: len(p.parts))


def _structure_problems(root: Path) -> list[str]:
    problems = [f"missing {f}" for f in REQUIRED_FILES if not (root / f).is_file()]
    if not any(all((root / f).is_file() for f in choice) for choice in GRAPH_CHOICES):
        problems.append("missing graph/HCLG.fst (or graph/HCLr.fst with graph/Gr.fst)")
    problems += [f"missing {f}" for f in IVECTOR_FILES if not (root / f).is_file()]
    return problems


def _files(root: Path) -> Iterable[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != MANIFEST)


def _write_manifest(root: Path, *, name: str, source: str, archive_sha256: str) -> None:
    files = {
        p.relative_to(root).as_posix(): {"size": p.stat().st_size, "sha256": sha256_of(p)}
        for p in _files(root)
    }
    doc = {"name": name, "source": source, "archive_sha256": archive_sha256, "files": files}
    (root / MANIFEST).write_text(json.dumps(doc, indent=1, sort_keys=True), encoding="utf-8")


def verify_model(path: Path, *, full: bool = True) -> Verification:
    """Check the structure of the model at ``path`` and, when it has a manifest, that
    every file is there with its recorded size (and, with ``full``, its SHA-256)."""
    if not path.is_dir():
        return Verification(path, False, (f"{path} is not a directory",))
    problems = _structure_problems(path)
    name = None
    count = sum(1 for _ in _files(path))
    manifest = path / MANIFEST
    if manifest.exists():
        try:
            doc = json.loads(manifest.read_text(encoding="utf-8"))
            name = str(doc["name"])
            recorded: Mapping[str, Mapping[str, object]] = doc["files"]
        except (ValueError, KeyError, TypeError) as exc:
            problems.append(f"unreadable manifest: {exc}")
            recorded = {}
        for rel, info in recorded.items():
            file = path / rel
            if not file.is_file():
                problems.append(f"missing {rel}")
            elif file.stat().st_size != info.get("size"):
                problems.append(f"{rel}: size differs from the manifest")
            elif full and sha256_of(file) != info.get("sha256"):
                problems.append(f"{rel}: SHA-256 differs from the manifest")
    return Verification(path, not problems, tuple(problems), name, count)


def installed_models(models_dir: Path) -> list[Path]:
    if not models_dir.is_dir():
        return []
    return sorted(p for p in models_dir.iterdir() if p.is_dir() and not p.name.startswith("."))


def models_dir_for(speech: SpeechConfig, booth: BoothConfig) -> Path:
    """Where models are installed: ``[speech] models_dir``, else ``<data_dir>/models``."""
    if speech.models_dir:
        return Path(speech.models_dir)
    return booth.data_path() / "models"


def find_model(speech: SpeechConfig, booth: BoothConfig) -> Path | None:
    """The model the booth should load: ``[speech] model_dir``, else the installed default
    model; None when there is none (the booth then talks by touch and text)."""
    if speech.model_dir:
        return Path(speech.model_dir)
    candidate = models_dir_for(speech, booth) / speech.default_model
    return candidate if verify_model(candidate, full=False).ok else None
