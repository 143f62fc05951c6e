"""Composition root and command line: ``kiosk run|hub|demo|doctor|screenshots|ocr|ask|...``.

Each area of the booth keeps its own command in ``kiosk/<area>/cli.py`` with a
``HELP`` line, ``add_arguments(parser)`` and ``main(args, config) -> int``; those
modules import their heavy libraries inside ``main`` so that ``kiosk --help`` stays fast.
The booth itself (``run``) and the demo are wired here: this is the one place that
knows every concrete class.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from types import ModuleType

from kiosk import __version__
from kiosk.config import Config, load_config
from kiosk.core.errors import ConfigError, XiaowuError
from kiosk.privacy.masking import MaskingFilter

# command name -> module holding HELP, add_arguments(parser) and main(args, config)
COMMANDS: dict[str, str] = {
    "run": "kiosk.booth.root",
    "demo": "kiosk.demo.command",
    "hub": "kiosk.hub.cli",
    "doctor": "kiosk.doctor",
    "screenshots": "kiosk.ui.screenshots",
    "ocr": "kiosk.ocr.cli",
    "ask": "kiosk.speech.cli_ask",
    "listen": "kiosk.speech.cli_listen",
    "models": "kiosk.speech.cli_models",
    "locker": "kiosk.devices.locker.cli",
    "door": "kiosk.devices.door.cli",
    "idcard": "kiosk.devices.idcard.cli",
    "emulate": "kiosk.devices.emulate",
}

log = logging.getLogger("kiosk")


def _load_command(module_name: str) -> ModuleType | None:
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        # A command whose module is absent, or whose role's packages are not installed (a
        # hub server has `xiaowu[hub]` only: no Qt, OpenCV or vosk), is not offered. A
        # missing module of kiosk itself inside a present command is a bug.
        missing = exc.name or ""
        if module_name.startswith(missing) or missing.partition(".")[0] != "kiosk":
            log.debug("command module %s not available: %s is not installed", module_name, missing)
            return None
        raise


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Xiaowu (晓屋) self-service government booth and hub.",
    )
    parser.add_argument("--version", action="version", version=f"xiaowu {__version__}")
    parser.add_argument(
        "--config", metavar="PATH", help="TOML configuration file (default: $XIAOWU_CONFIG)"
    )
    parser.add_argument("--log-level", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        module = _load_command(module_name)
        if module is None:
            continue
        command = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(command)
        command.set_defaults(_module=module)
    return parser


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(MaskingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_module", None):
        parser.print_help()
        return 2
    try:
        config: Config = load_config(args.config)
    except ConfigError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 2
    configure_logging(args.log_level or config.log_level)
    try:
        return int(args._module.main(args, config) or 0)
    except KeyboardInterrupt:
        return 130
    except XiaowuError as exc:
        print(f"kiosk {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
