"""Unit tests of the peer request signatures: each way a request is refused has its code."""

from __future__ import annotations

import pytest

from kiosk.hub.errors import ApiError
from kiosk.hub.federation_signing import (
    HEADER_SIGNATURE,
    PeerVerifier,
    generate_private_key_b64,
    load_private_key,
    load_public_key,
    public_key_b64,
    sign_request,
)

NOW = 1_800_000_000.0


def _pair():
    key = load_private_key(generate_private_key_b64())
    return key, load_public_key(public_key_b64(key))


def _verifier(peers):
    return PeerVerifier(peers=peers, clock=lambda: NOW)


def test_good_request_verifies_to_its_region():
    key, pub = _pair()
    headers = sign_request(key, "440113", "POST", "/api/v1/peer/cases", b"{}", now=NOW)
    assert (
        _verifier({"440113": pub}).verify("POST", "/api/v1/peer/cases", b"{}", headers) == "440113"
    )


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/v1/peer/cases", b"{}"),
        ("POST", "/api/v1/peer/other", b"{}"),
        ("POST", "/api/v1/peer/cases", b"{ }"),
    ],
)
def test_any_changed_field_breaks_the_signature(method, path, body):
    key, pub = _pair()
    headers = sign_request(key, "440113", "POST", "/api/v1/peer/cases", b"{}", now=NOW)
    with pytest.raises(ApiError) as err:
        _verifier({"440113": pub}).verify(method, path, body, headers)
    assert err.value.code == "peer_signature_invalid"


def test_key_of_another_hub_is_refused():
    key, _ = _pair()
    _, other_pub = _pair()
    headers = sign_request(key, "440113", "GET", "/p", b"", now=NOW)
    with pytest.raises(ApiError) as err:
        _verifier({"440113": other_pub}).verify("GET", "/p", b"", headers)
    assert err.value.code == "peer_signature_invalid"


def test_unknown_region_is_refused():
    key, pub = _pair()
    headers = sign_request(key, "110000", "GET", "/p", b"", now=NOW)
    with pytest.raises(ApiError) as err:
        _verifier({"440113": pub}).verify("GET", "/p", b"", headers)
    assert err.value.code == "peer_unknown"


def test_stale_timestamp_is_refused():
    key, pub = _pair()
    headers = sign_request(key, "440113", "GET", "/p", b"", now=NOW - 600)
    with pytest.raises(ApiError) as err:
        _verifier({"440113": pub}).verify("GET", "/p", b"", headers)
    assert err.value.code == "peer_timestamp_stale"


def test_replayed_nonce_is_refused():
    key, pub = _pair()
    verifier = _verifier({"440113": pub})
    headers = sign_request(key, "440113", "GET", "/p", b"", now=NOW)
    verifier.verify("GET", "/p", b"", headers)
    with pytest.raises(ApiError) as err:
        verifier.verify("GET", "/p", b"", headers)
    assert err.value.code == "peer_replay"


def test_missing_or_garbled_signature_is_refused():
    key, pub = _pair()
    headers = sign_request(key, "440113", "GET", "/p", b"", now=NOW)
    for broken in ({**headers, HEADER_SIGNATURE: ""}, {**headers, HEADER_SIGNATURE: "@@@"}):
        with pytest.raises(ApiError) as err:
            _verifier({"440113": pub}).verify("GET", "/p", b"", broken)
        assert err.value.code in {"peer_signature_missing", "peer_signature_invalid"}
