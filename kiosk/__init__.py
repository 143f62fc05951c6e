"""Xiaowu (晓屋): the software of a self-service government booth and of its hub.

The booth app (``kiosk run``) and the back-office hub (``kiosk hub``) live in one
distribution. See ``kiosk.__main__`` for the composition root and the command line.
"""

__version__ = "0.1.0"
