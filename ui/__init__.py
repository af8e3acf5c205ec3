"""The Qt face of the station: windows, views and the adapters for devices and sync."""
