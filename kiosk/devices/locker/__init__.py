"""Parcel locker: lock-control boards on RS-485 (Kerong KR-CU and generic 8A) and the bank."""
