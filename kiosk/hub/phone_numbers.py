"""Citizens' phone numbers as the hub accepts them: mainland China mobiles.

The hub sends its messages (booking confirmations, login codes) by SMS, which reaches
only a mobile; a number that cannot be one (``12345``, a landline) is refused with
``bad_phone`` before anything is stored or sent. The citizen page checks the same pattern
(``MAINLAND_MOBILE`` in ``static/citizen.js``) so the citizen sees the mistake at the field.
"""

from __future__ import annotations

from kiosk.core.fields import mainland_mobile
from kiosk.hub.errors import ApiError


def check_mobile(phone: str) -> str:
    """``phone`` as 11 digits (spaces, dashes and +86 dropped) if it is a mainland mobile
    number (kiosk.core.fields), else a 422 ``bad_phone``."""
    mobile = mainland_mobile(phone)
    if mobile is None:
        raise ApiError(422, "bad_phone", "not a mainland mobile number (11 digits, 13x-19x)")
    return mobile
