"""The booth's screens: passive views fed by :class:`kiosk.ui.bridge.BoothBridge`."""
