"""QR-code scanner: a serial (USB-COM) scanner or a keyboard wedge."""
