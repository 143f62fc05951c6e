"""Masking of resident ID numbers and bank card numbers for screens, documents and logs
(pure functions).

One rule everywhere (docs/architecture.md): the first four and the last four characters stay,
``440106199001011234`` -> ``4401**********1234``. A bank card is shown as banks print it,
in groups that hide its length: ``6222020200112233445`` -> ``6222 **** **** 3445``. The
booth, the hub and the device tools all use these functions; ``kiosk.privacy.masking``
adds the log filter.
"""

from __future__ import annotations

import re

# 18-character resident ID numbers (17 digits and a digit or X) and 15-digit old ones.
_ID_RE = re.compile(r"(?<![0-9A-Za-z])([0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9A-Za-z])")


def mask_id_number(value: str) -> str:
    """``440106199001011234`` -> ``4401**********1234`` (first four, last four shown)."""
    v = value.strip()
    if len(v) <= 8:
        return "*" * len(v)
    return v[:4] + "*" * (len(v) - 8) + v[-4:]


def mask_text(text: str) -> str:
    """Mask every resident ID number inside free text."""
    return _ID_RE.sub(lambda m: mask_id_number(m.group(0)), text)


# A digit as a citizen types or says it: ASCII, full-width, or a Chinese numeral as speech
# recognition writes it (幺 and 两 are spoken for 1 and 2 in numbers read out).
_DIGIT = "0-9０-９〇零一二两幺三四五六七八九"
# 12 to 19 digits (bank card numbers, GB/T 19584), in groups split by spaces or hyphens.
_CARD_RE = re.compile(
    rf"(?<![{_DIGIT}A-Za-z])[{_DIGIT}](?:[ \-]?[{_DIGIT}]){{11,18}}(?![{_DIGIT}A-Za-z])"
)
_SEPARATORS = re.compile(r"[ \-]")


def mask_bank_card(value: str) -> str:
    """``6222020200112233445`` -> ``6222 **** **** 3445``: the first and last four digits."""
    digits = _SEPARATORS.sub("", value.strip())
    if len(digits) <= 8:
        return "*" * len(digits)
    return f"{digits[:4]} **** **** {digits[-4:]}"


def mask_sensitive_text(text: str) -> str:
    """Mask the ID numbers and bank card numbers inside free text (a conversation)."""
    return _CARD_RE.sub(lambda m: mask_bank_card(m.group(0)), mask_text(text))
