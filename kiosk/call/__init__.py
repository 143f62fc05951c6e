"""Cloud-seat video calls: the booth's side, over aiortc.

Modules, one concept each:

- :mod:`~kiosk.call.desk` — :class:`CallDesk`, what the composition root builds once
  over the hub channel; it makes a :class:`BoothCall` per citizen call.
- :mod:`~kiosk.call.booth_call` — :class:`BoothCall`, what the call screen and the
  composition root use (request, consent, queue/call/push commands, hang up, remote
  video, ``sending_video``).
- :mod:`~kiosk.call.session` — the pure call state machine (:class:`CallSession`,
  phases, events, commands, :class:`CallView`).
- :mod:`~kiosk.call.peer` — :class:`PeerLink`, one peer connection per remote clerk,
  with heartbeat-based loss detection and recovery by a new connection and offer.
- :mod:`~kiosk.call.signaling` — signaling messages and the injected port
  (crossed queues in tests, the hub channel on a booth).
- :mod:`~kiosk.call.sources`, :mod:`~kiosk.call.tracks`, :mod:`~kiosk.call.sinks` —
  cameras and microphone in, gated outgoing tracks, consumed incoming tracks.
- :mod:`~kiosk.call.ice` — STUN/TURN configuration and the bound on gathering time.
- :mod:`~kiosk.call.liveness`, :mod:`~kiosk.call.quality` — pure judges of a peer's
  life and of whether video can be sustained.
- :mod:`~kiosk.call.heap` — returns the heap a finished call freed to the system.

No Qt here: a QtMultimedia camera pushes frames into a
:class:`~kiosk.call.sources.PushFrameSource` from any thread, and the UI paints
``VideoSink.latest_rgb()``.
"""
