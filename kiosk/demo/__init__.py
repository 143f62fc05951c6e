"""Demo and test support: what runs a booth without its hardware or its documents.

- :mod:`~kiosk.demo.command` — ``kiosk demo``: the booth with an embedded hub and emulated
  devices on one machine
- :mod:`~kiosk.demo.rig` — every booth device emulated in this process on ptys
- :mod:`~kiosk.demo.desk` — a document camera looking at generated documents

Nothing on a real booth's path imports this package: the booth root reaches
:mod:`~kiosk.demo.desk` only when its configuration asks for the synthetic camera.
"""
