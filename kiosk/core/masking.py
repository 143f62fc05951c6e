"""Masking of resident ID numbers for screens, documents and logs (pure functions).

One rule everywhere (docs/architecture.md): the first four and the last four characters stay,
``440106199001011234`` -> ``4401**********1234``. The booth, the hub and the device tools
all use these functions; ``kiosk.privacy.masking`` adds the log filter.
"""

from __future__ import annotations

import re

# 18-character resident ID numbers (17 digits and a digit or X) and 15-digit old ones.
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[0-9Xx]|\d{15})(?![0-9A-Za-z])")


def mask_id_number(value: str) -> str:
    """``440106199001011234`` -> ``4401**********1234`` (first four, last four shown)."""
    v = value.strip()
    if len(v) <= 8:
        return "*" * len(v)
    return v[:4] + "*" * (len(v) - 8) + v[-4:]


def mask_text(text: str) -> str:
    """Mask every resident ID number inside free text."""
    return _ID_RE.sub(lambda m: mask_id_number(m.group(0)), text)
