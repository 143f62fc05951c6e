"""Citizens' phone numbers as the hub accepts them: mainland China mobiles.

The hub sends its messages (booking confirmations, login codes) by SMS, which reaches
only a mobile; a number that cannot be one (``12345``, a landline) is refused with
``bad_phone`` before anything is stored or sent. The citizen page checks the same pattern
(``MAINLAND_MOBILE`` in ``static/citizen.js``) so the citizen sees the mistake at the field.
"""

from __future__ import annotations

import re

from kiosk.hub.errors import ApiError

MAINLAND_MOBILE = re.compile(r"1[3-9][0-9]{9}")


def check_mobile(phone: str) -> str:
    """``phone`` if it is a mainland mobile number, else a 422 ``bad_phone``."""
    if MAINLAND_MOBILE.fullmatch(phone) is None:
        raise ApiError(422, "bad_phone", "not a mainland mobile number (11 digits, 13x-19x)")
    return phone
