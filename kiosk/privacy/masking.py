"""Masking of personal identifiers for screens and a log filter that enforces it."""

from __future__ import annotations

import logging
import re

# 18-character resident ID numbers (17 digits and a digit or X) and 15-digit old ones.
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_ID15_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{6})(\d{3})(?![0-9A-Za-z])")


def mask_id_number(value: str) -> str:
    """``440106199001011234`` -> ``4401**********1234`` (first four, last four shown)."""
    v = value.strip()
    if len(v) <= 8:
        return "*" * len(v)
    return v[:4] + "*" * (len(v) - 8) + v[-4:]


def mask_text(text: str) -> str:
    """Mask every resident ID number inside free text."""
    text = _ID_RE.sub(lambda m: mask_id_number(m.group(0)), text)
    return _ID15_RE.sub(lambda m: mask_id_number(m.group(0)), text)


class MaskingFilter(logging.Filter):
    """A logging filter that masks ID numbers in every record, as a last line of defence."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg = masked
            record.args = None
        return True
