"""The hub <-> booth and hub <-> clerk protocol, as implemented (kiosk.hub.protocol).

HTTP
====
JSON under ``/api/v1``; the OpenAPI document is at ``/openapi.json``. Every error is a
4xx (never a 500 for bad input) with ``{"error": {"code": "...", "message": "English"}}``
(validation errors add ``details.problems``: ``[{"where": "body.field", "problem": ...}]``).

Authentication is ``Authorization: Bearer <token>``; the prefix says whose token it is:
``bt_`` booth token, ``cs_`` clerk session (``POST /api/v1/auth/login``), ``ct.`` citizen
link (signed; from booking an appointment, opening a booth door, or an SMS code).

A token never goes in a URL: ``?token=`` is accepted nowhere. A page that must open a
file by a link (a certificate's PDF, a material's image) asks for a one-time link with its
header: ``POST /api/v1/certificates/{id}/download`` or ``POST
/api/v1/materials/{id}/download`` -> ``{"url": "/api/v1/downloads/dt_...", "expires_in_s":
60}``; ``GET`` of that URL serves the file once, within the minute (then 404
``ticket_not_found``).

Every write (POST/PUT/PATCH/DELETE) accepts ``Idempotency-Key: <1..200 chars>``; a retry
with the same key by the same caller gets the first response back (header
``Idempotent-Replay: true``) and nothing is done twice; the same key with a different
request gets 422 ``idempotency_key_reused``. Answers are kept a week
(``idempotency_ttl_s``). An answer carrying a clerk session, booth token or download link
is not kept (its retry runs again and mints a new one); one carrying a citizen link gets
a freshly signed link on replay (anonymous callers' are not kept).

Request bodies are limited while they stream in: 413 ``body_too_large`` past 256 KiB
(``max_body_bytes``), or 12 MiB for ``POST /api/v1/cases/{id}/materials``
(``max_upload_bytes``). A material's image must be what ``image_type`` says (``image/jpeg``
or ``image/png``): 422 ``image_type_mismatch``, ``bad_image`` or ``image_too_large``
(dimensions, decompression bombs). Every response carries a Content-Security-Policy,
``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY`` and ``Referrer-Policy:
no-referrer`` (kiosk.hub.browser_policy).

Endpoints the booth uses:

- ``GET /api/v1/health`` -> ``{"status": "ok", "version", "db": "ok", "booths_online": N}``
- ``GET /api/v1/catalog`` -> ``Catalog.to_json()`` with ``ETag``; ``If-None-Match`` -> 304
- ``GET /api/v1/services?q=TEXT&department=CODE&limit=N`` -> ``{"services": [...]}``
- ``GET /api/v1/cross-region/services?q=TEXT&limit=N`` -> ``{"services": [{"code",
  "region", "department", "name", "summary", "cross_region": true}]}``: services of peer
  hubs (跨域通办) this booth may offer, each with the region code that serves it
  (kiosk.hub.federation_catalog; peer routes under ``/api/v1/peer``: docs/federation.md)
- ``POST /api/v1/cases`` ``{"service", "citizen": {"name", "id_number", "phone"},
  "citizen_token"?: "ct...."}`` -> the case view plus ``citizen_token`` and ``citizen_url``
  (show it as a QR code so the phone follows the case)
- ``GET /api/v1/cases/{id}``; ``PUT /api/v1/cases/{id}/form`` ``{"fields": {...}}``
- ``POST /api/v1/cases/{id}/materials`` ``{"code", "doc_type", "image_base64",
  "image_type", "ocr_fields"}`` -> material (trust level ``C``)
- ``POST /api/v1/cases/{id}/locker-deposits`` ``{"slot", "door", "item_present"}``
- ``POST /api/v1/cases/{id}/steps/{position}/complete`` for the citizen's own steps
  (identify, questions, capture, form, locker, rating); clerks complete the rest

- ``GET /api/v1/ice-servers`` (booths and clerks) -> ``{"iceServers": [{"urls": [...],
  "username"?, "credential"?}], "ttl_s": seconds | null}``: STUN/TURN servers in the W3C
  ``RTCIceServer`` shape; TURN credentials are the caller's own, short-lived when the hub
  has a TURN secret (kiosk.hub.ice). ``POST /api/v1/queue/{id}/accept`` carries the same
  under ``ice``.

Registration (admin clerk): ``POST /api/v1/booths {"id", "name"}`` -> ``{"id", "name",
"token", "push_key"}`` (``kiosk hub --register-booth ID`` does the same from the command
line, ``kiosk hub --push-key`` prints the key): the booth's ``[hub] token`` and
``[hub] push_key``, the public key its ``config`` commands are signed with.

The door
========
``POST /api/v1/booths/{id}/open-door`` ``{"door_code", "appointment_id"?}`` (anyone, or a
citizen link) -> ``{"opened": true, "session_id", "case_id", "citizen_token",
"citizen_url"}`` once the booth has acknowledged ``open_door`` and ``start_session``.
Booth ids are public; the door code proves presence. A booth shows on its attract screen a
QR code of ``<url>#booth=<id>&door=<code>`` (``url`` from its welcome, the citizen page);
the code is ``base64url(HMAC-SHA256(key, "<booth id>.<window>")[:9])`` with ``window =
floor(unix time / window_s)`` and ``key = HMAC-SHA256(hub secret, "xiaowu door key
v1" + NUL + booth id)`` (kiosk.core.door_codes). The booth computes it on its own clock,
corrected by the welcome's ``server_time``, and redraws the QR code when the window
changes. The hub takes the current or the previous window's code, each once; a citizen
link does not stand in for it. Refusals: 403 ``bad_door_code`` (missing, wrong, stale or
used), 409 ``booth_occupied`` (a session runs), ``booth_offline``, ``door_failed``,
``session_failed``, 429 ``too_many_requests`` with ``Retry-After`` (per address, booth and
citizen link). Every attempt is in the audit log (kiosk.hub.door).

Citizen login by SMS code (kiosk.hub.citizen_login): ``POST /api/v1/citizen/code``
``{"phone"}`` -> 202 ``{"sent": true}`` whether or not the number is known;
``POST /api/v1/citizen/login`` ``{"phone", "code"}`` -> ``{"citizen_token",
"citizen_url"}`` or 401 ``bad_code``. Past the limits (messages per phone and address,
wrong codes per phone across resends, then a lockout) 429 ``too_many_requests`` with
``Retry-After``; ``POST /api/v1/appointments`` counts as a message too.

Booth WebSocket ``/ws/booth``
=============================
Token in the ``Authorization`` header (a bad token is refused during the handshake, HTTP
403: do not retry with it), or, for a client that cannot set headers (a browser), as the
first frame ``{"type": "auth", "token"}`` within 5 s (else closed with 4401). A ``?token=``
in the URL is refused (HTTP 403), and so is a handshake whose ``Origin`` is not the hub's
own (a page of another site); clients that are not browsers send no ``Origin``. All frames
are JSON objects with a ``type``; a frame is at most 256 KiB (larger: closed with 1009)
and a peer sending more than 200 frames at once or 50 a second for long is closed (4429).

- hub -> booth on connect:
  ``{"type": "welcome", "booth_id", "server_time": ISO-8601, "heartbeat_s": 10,
  "door": {"key", "window_s", "url"}}``; ``door`` is this booth's door-code key and
  where its QR code points (see "The door" below). It is given to no one else.
- heartbeats both ways: ``{"type": "ping", "ts"}`` answered by ``{"type": "pong", "ts"}``.
  The hub pings every ``heartbeat_s`` and closes (code 4408) a socket it has heard nothing
  from for 3 x ``heartbeat_s``. A newer connection of the same booth replaces the older
  one (closed with 4000).
- hub -> booth commands ``{"type": "command", "id", "name", "data"}``, each answered by
  ``{"type": "ack", "id", "ok": true|false, "error": code?}``:

  ``open_door`` ``{"appointment_id"?, "citizen_ref"}``; a booth in a session refuses
  it, and ``start_session``, with ``session_running`` (the hub answers 409
  ``booth_occupied``)
  ``start_session`` ``{"session_id", "case_id"?, "service"?, "appointment_id"?,
  "citizen_token"}``;  ``end_session`` ``{"session_id"?}``
  ``push`` ``{"kind": request_capture|show_form|form_field|open_slot|certificate, ...}``
  (``form_field``: ``case_id``, ``key``, ``value``; ``request_capture``: ``material``;
  ``open_slot``: ``case_id``; ``certificate``: ``certificate_id``, ``title``, ``pdf_url``,
  ``department``). A clerk's push carries ``clerk`` (id) and ``department``, filled in by
  the hub. The hub itself also pushes ``step_done`` ``{"case_id", "position",
  "step_kind", "department", "clerk"}`` when a clerk completes a step of the booth's case
  (an approval, the end of a consultation), ``material_verified`` ``{"case_id",
  "material", "clerk", "department"}`` when a clerk checked a capture against the original,
  and ``rejected`` ``{"case_id", "department", "reason", "clerk", "final": true}`` when a
  clerk refused a review. A ``show_form`` the booth cannot honour is refused in its ack
  (``no_service_item``, ``no_form_step``, ``form_not_now``).
  ``signal`` ``{"call_id", "from", "to", "kind": offer|answer|candidate|bye, "sdp"?,
  "candidate"?}``
  ``queue`` ``{"status": "waiting", "entry_id", "department", "position",
  "estimated_wait_s"}`` or ``{"status": "accepted", "call_id", "department", "clerk":
  {"id", "name", "department"}, "peer": "clerk:<id>", "ice": {"iceServers", "ttl_s"}}``
  (``ice``: STUN/TURN for this call, as ``GET /api/v1/ice-servers``)
  ``config``, ``restart``

  ``queue`` and ``signal`` commands are sent without the hub waiting for the ack.
- booth -> hub events ``{"type": "event", "id", "name", "data"}``. **Extension
  (backwards compatible): the hub answers every event with ``{"type": "ack", "id",
  "ok", "error"?, "data"?}``** so an outbox can drop it; a resent event id (last 512 per
  connection) gets the same ack again without being done twice. Names:

  ``call_request`` ``{"department", "case_id"?}`` -> ack data is the queue entry;
  ``signal`` (as above; ``from`` is filled in by the hub); ``form_field`` ``{"case_id",
  "key", "value"}``; ``locker_state`` ``{"slot", "door": open|closed|unknown,
  "item_present", "case_id"?}``; ``door_opened``, ``session_started``,
  ``session_ended`` (cancels queue entries, ends the booth's calls), ``device_fault``,
  ``health``, each with ``case_id`` when there is one; ``session_state`` ``{"active":
  bool, "session_id"?}``: whether a citizen session runs, sent at every change and every
  time the booth is welcomed (the hub keeps it per connection and opens the door only
  while it is false).
- Reconnect with exponential backoff and jitter (0.5 s .. 30 s).

Calls and WebRTC signaling
==========================
Peers are addressed ``booth:<id>`` and ``clerk:<id>``. A signal is relayed only between
two participants of the same active call. Who offers: **the newcomer offers to everyone
already in the call** (a clerk who accepts a booth offers to the booth; an invited clerk
offers to the booth and to every clerk in it). The booth only answers. The clerk's offer
asks for audio plus two video m-lines from the booth: the face camera first, then the
document camera. ``bye`` ends one peer connection; when a call ends every participant
gets ``bye`` from the one who ended it.

Several hub processes
=====================
On PostgreSQL, any number of hub processes may serve the same database behind one
address: a booth and a clerk connected to different processes queue, call and signal as
if they were on one (kiosk.hub.fanout, PostgreSQL LISTEN/NOTIFY; nothing else to run).
On SQLite the hub is one process.

Clerk WebSocket ``/ws/clerk``
=============================
Token (``cs_``) in the first frame ``{"type": "auth", "token"}`` (the console) or the
header, as for booths. hub -> clerk: ``welcome``, ``ping``,
``queue`` ``{"department", "entries": [{"id", "booth_id", "case_id", "call_id", "kind":
booth|invite, "position", "waiting_s", ...}]}``, ``call`` ``{"event": joined|left|ended,
"call_id", "peer"?, "clerk"?}``, ``signal`` (as above), ``form_field`` ``{"case_id",
"key", "value", "from"}``, ``booth_event`` ``{"booth_id", "name", "data"}``,
``case_updated`` ``{"case_id"}``, ``reviews_changed`` ``{"department"}`` (a review of the
department was referred to its clerks or decided: reload ``GET /api/v1/reviews``),
``error`` ``{"code", "about"?}``.
clerk -> hub: ``ping``/``pong``, ``signal``, ``presence`` ``{"status": online|away}``
(busy is set by the hub while in a call). Queue actions are REST:
``POST /api/v1/queue/{entry_id}/accept``, ``POST /api/v1/calls/{id}/invite``,
``POST /api/v1/calls/{id}/leave``, ``POST /api/v1/calls/{id}/end``.
"""

from __future__ import annotations

BOOTH_COMMANDS = frozenset(
    {"open_door", "start_session", "end_session", "push", "signal", "queue", "config", "restart"}
)
PUSH_KINDS = frozenset({"request_capture", "show_form", "form_field", "open_slot", "certificate"})
HUB_PUSH_KINDS = frozenset({"step_done", "material_verified", "rejected"})  # by the hub itself
BOOTH_EVENTS = frozenset(
    {
        "door_opened",
        "session_started",
        "session_ended",
        "locker_state",
        "device_fault",
        "health",
        "signal",
        "form_field",
        "call_request",
        "session_state",
    }
)
SIGNAL_KINDS = frozenset({"offer", "answer", "candidate", "bye"})
PRESENCE = frozenset({"online", "away"})
