"""Masking of personal identifiers for screens and a log filter that enforces it."""

from __future__ import annotations

import logging

from kiosk.core.masking import mask_bank_card, mask_id_number, mask_sensitive_text, mask_text

__all__ = ["MaskingFilter", "mask_bank_card", "mask_id_number", "mask_sensitive_text", "mask_text"]


class MaskingFilter(logging.Filter):
    """A logging filter that masks ID numbers in every record, as a last line of defence."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg = masked
            record.args = None
        return True
