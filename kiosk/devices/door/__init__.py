"""Booth door: the strike relay on a Modbus RTU relay board."""
