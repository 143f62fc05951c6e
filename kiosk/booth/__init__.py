"""The booth's composition root and the adapters that turn its real parts into the flows' ports.

This package may import every other package of ``kiosk`` (it is where the concrete classes
meet); nothing but ``kiosk.__main__``, ``kiosk.demo`` and the tests imports it.

- :mod:`~kiosk.booth.root` — :class:`Booth`, ``kiosk run``: builds and runs one booth process
- :mod:`~kiosk.booth.service` — running a catalog service's workflow on the booth's parts
- :mod:`~kiosk.booth.calls` — the call wiring around :class:`kiosk.call.booth_call.BoothCall`
- :mod:`~kiosk.booth.voice` — the assistant's voice (recognizer, speech out) on the UI
- :mod:`~kiosk.booth.door` — the door's QR pass, session reports, refusal mid-session
- :mod:`~kiosk.booth.locker` — the workflow's Locker port on the locker bank
- :mod:`~kiosk.booth.ops` — health reports, restarts, the operator's pushed configuration
- :mod:`~kiosk.booth.pushes` — clerks' pushes routed to the running service
- :mod:`~kiosk.booth.resume` — save points and resuming a session after a restart
- :mod:`~kiosk.booth.sessions` — which citizen session is open, and its end

Kept free of imports so that importing one module does not load the others.
"""
