"""Where the application's data files are: the source tree, or the installed ``share``.

Run from a checkout, ``assets/`` and ``i18n/`` sit beside the ``kiosk`` package. The
Debian package installs the application into a virtualenv and its data files under
``<venv>/share/xiaowu/`` with the same layout. Every module that reads a shipped data
file asks :func:`data_path` instead of counting parent directories.
"""

from __future__ import annotations

import sys
from pathlib import Path

_SOURCE_TREE = Path(__file__).resolve().parent.parent


def data_path(*parts: str) -> Path:
    """``<source tree>/<parts>`` if it exists, else ``<sys.prefix>/share/xiaowu/<parts>``."""
    source = _SOURCE_TREE.joinpath(*parts)
    if source.exists():
        return source
    installed = Path(sys.prefix, "share", "xiaowu", *parts)
    return installed if installed.exists() else source
