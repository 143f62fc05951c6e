"""Running unattended: systemd notification and watchdog, UI-loop lag probe, health reports."""
