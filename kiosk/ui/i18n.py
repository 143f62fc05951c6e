"""Translations: compile Qt Linguist sources to .qm when needed, and switch languages live.

zh_CN is the source language (the strings in the code); ``i18n/xiaowu_en.ts`` and
``i18n/xiaowu_zh_HK.ts`` hold the translations. :func:`compile_translations` runs
``lrelease`` (shipped with PySide6) for every .ts whose .qm is missing or older, at start-up
and in tests, so no separate build step is needed. To add strings after editing the UI:
``pyside6-lupdate kiosk/ui -ts i18n/xiaowu_en.ts i18n/xiaowu_zh_HK.ts`` and fill them in
Qt Linguist (``pyside6-linguist``).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess  # nosec B404 # Qt's lrelease on our own .ts files, list args
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator

from kiosk.resources import data_path

log = logging.getLogger(__name__)

SOURCE_LANGUAGE = "zh_CN"
LRELEASE_TIMEOUT_S = 60.0


def default_i18n_dir() -> Path:
    return data_path("i18n")


def _lrelease() -> str | None:
    import PySide6

    bundled = Path(PySide6.__file__).parent / "lrelease"
    if bundled.exists():
        return str(bundled)
    return shutil.which("pyside6-lrelease", path=str(Path(sys.executable).parent)) or shutil.which(
        "pyside6-lrelease"
    )


def compile_translations(directory: Path | None = None) -> list[Path]:
    """Compile every ``xiaowu_*.ts`` in ``directory`` whose .qm is missing or stale.

    Returns the .qm files written. A missing lrelease is logged, not raised: the booth
    still runs in the source language.
    """
    directory = directory or default_i18n_dir()
    written: list[Path] = []
    for ts in sorted(directory.glob("xiaowu_*.ts")):
        qm = ts.with_suffix(".qm")
        if qm.exists() and qm.stat().st_mtime >= ts.stat().st_mtime:
            continue
        tool = _lrelease()
        if tool is None:
            log.warning("lrelease not found; %s stays uncompiled", ts.name)
            continue
        tmp = qm.with_suffix(".qm.tmp")
        result = subprocess.run(  # nosec B603 # lrelease found on PATH, our own files
            [tool, "-silent", str(ts), "-qm", str(tmp)],
            capture_output=True,
            text=True,
            timeout=LRELEASE_TIMEOUT_S,
            check=False,
        )
        if result.returncode != 0 or not tmp.exists():
            log.error("lrelease failed on %s: %s", ts.name, result.stderr.strip())
            continue
        os.replace(tmp, qm)
        written.append(qm)
        log.info("compiled %s", qm.name)
    return written


class Translations:
    """The installed translator; :meth:`apply` switches the whole app's language."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or default_i18n_dir()
        self.language = SOURCE_LANGUAGE
        self._translator: QTranslator | None = None

    def available(self) -> list[str]:
        return [SOURCE_LANGUAGE] + [
            p.stem.removeprefix("xiaowu_") for p in sorted(self.directory.glob("xiaowu_*.qm"))
        ]

    def apply(self, language: str) -> None:
        app = QCoreApplication.instance()
        if app is None:
            raise RuntimeError("create the QApplication before switching languages")
        if self._translator is not None:
            QCoreApplication.removeTranslator(self._translator)
            self._translator = None
        self.language = language
        if language == SOURCE_LANGUAGE:
            return
        translator = QTranslator(app)
        qm = self.directory / f"xiaowu_{language}.qm"
        if not translator.load(str(qm)):
            log.error("no translation for %s at %s; showing the source language", language, qm)
            return
        QCoreApplication.installTranslator(translator)
        self._translator = translator
