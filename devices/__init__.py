"""Drivers for scanners and label printers, one thread per device."""
