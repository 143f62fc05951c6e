"""``kiosk models list|install|verify``: the speech models of the booth.

``install NAME`` downloads a known model from its official address with a progress bar,
checks its SHA-256 and unpacks it; ``install NAME --zip FILE`` installs from a local
archive (a booth without internet, or a model copied on a USB stick). ``verify DIR``
checks a model directory against its manifest.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from kiosk.config import Config

HELP = "list, install (download or local zip, SHA-256 checked) and verify speech models"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--models-dir",
        type=Path,
        metavar="DIR",
        help="where models are installed (default: [speech] models_dir)",
    )
    sub = parser.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    sub.add_parser("list", help="known and installed models")
    install = sub.add_parser("install", help="download a known model, or install a local zip")
    install.add_argument("name", help="model name, e.g. vosk-model-small-cn-0.22")
    install.add_argument("--zip", type=Path, metavar="FILE", help="install from this archive")
    install.add_argument("--url", help="download from this address instead of the official one")
    install.add_argument("--sha256", metavar="HEX", help="expected SHA-256 of the archive")
    install.add_argument(
        "--accept-unpinned",
        action="store_true",
        help="install although no SHA-256 is known (it is printed and recorded)",
    )
    install.add_argument("--force", action="store_true", help="replace an installed model")
    verify = sub.add_parser("verify", help="check a model directory")
    verify.add_argument("path", type=Path, help="model directory (or a name under --models-dir)")
    verify.add_argument("--quick", action="store_true", help="sizes only, no SHA-256 of files")
    verify.add_argument("--load", action="store_true", help="also load it with vosk")


def models_dir_of(config: Config, override: Path | None = None) -> Path:
    from kiosk.speech.models import models_dir_for

    return override or models_dir_for(config.speech, config.booth)


def main(args: argparse.Namespace, config: Config) -> int:
    models_dir = models_dir_of(config, args.models_dir)
    if args.models_command == "list":
        return _list(models_dir)
    if args.models_command == "install":
        return _install(args, models_dir)
    return _verify(args, models_dir)


def _list(models_dir: Path) -> int:
    from kiosk.speech.models import KNOWN_MODELS, installed_models, verify_model

    installed = {p.name: p for p in installed_models(models_dir)}
    print(f"models directory: {models_dir}")
    for model in KNOWN_MODELS.values():
        state = "installed" if model.name in installed else "not installed"
        print(f"  {model.name:32} {model.size_mb:>5} MB  {model.language:5}  {state}  {model.note}")
    for name, path in installed.items():
        if name not in KNOWN_MODELS:
            check = verify_model(path, full=False)
            print(f"  {name:32}   local  {'ok' if check.ok else 'BROKEN'}")
    return 0


def _progress(done: int, total: int | None) -> None:
    if total:
        filled = int(30 * done / total)
        bar = "#" * filled + "." * (30 - filled)
        print(
            f"\r[{bar}] {done / 2**20:7.1f} / {total / 2**20:.1f} MB",
            end="",
            file=sys.stderr,
            flush=True,
        )
    else:
        print(f"\r{done / 2**20:7.1f} MB", end="", file=sys.stderr, flush=True)


def _install(args: argparse.Namespace, models_dir: Path) -> int:
    from kiosk.speech.models import (
        KNOWN_MODELS,
        ModelInstallError,
        download,
        install_archive,
        sha256_of,
    )

    known = KNOWN_MODELS.get(args.name)
    expected = args.sha256 or (known.sha256 if known else None)
    if args.zip:
        if expected is None and not args.accept_unpinned:
            raise ModelInstallError(
                f"no SHA-256 known for {args.name}: give --sha256 HEX (the archive's is "
                f"{sha256_of(args.zip)}) or --accept-unpinned"
            )
        path = install_archive(
            args.zip,
            models_dir,
            args.name,
            expected_sha256=expected,
            source=str(args.zip),
            force=args.force,
        )
        print(f"installed {args.name} in {path}")
        return 0
    url = args.url or (known.url if known else None)
    if url is None:
        raise ModelInstallError(f"unknown model {args.name}: give --url or --zip")
    if expected is None and not args.accept_unpinned:
        raise ModelInstallError(
            f"no SHA-256 pinned for {args.name}: give --sha256 HEX from a trusted source, "
            "or --accept-unpinned to record the hash of what is downloaded"
        )
    models_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".download-", dir=models_dir) as tmp:
        archive = Path(tmp) / f"{args.name}.zip"
        print(f"downloading {url}", file=sys.stderr)
        actual = download(url, archive, _progress)
        print(file=sys.stderr)
        if expected is None:
            print(f"SHA-256 (unpinned, recorded): {actual}", file=sys.stderr)
        path = install_archive(
            archive, models_dir, args.name, expected_sha256=expected, source=url, force=args.force
        )
    print(f"installed {args.name} in {path}")
    return 0


def _verify(args: argparse.Namespace, models_dir: Path) -> int:
    from kiosk.speech.models import verify_model

    path = args.path if args.path.exists() else models_dir / str(args.path)
    check = verify_model(path, full=not args.quick)
    if check.ok and args.load:
        from kiosk.speech.recognizer import SpeechModel

        model = SpeechModel(path)
        print(f"loaded in {model.load_seconds:.1f} s")
    for problem in check.problems:
        print(f"  {problem}")
    print(
        f"{path}: {'ok' if check.ok else 'NOT OK'} ({check.files} files"
        f"{', ' + check.name if check.name else ''})"
    )
    return 0 if check.ok else 1
