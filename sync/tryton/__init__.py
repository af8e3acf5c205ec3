"""Tryton as the station's upstream: its JSON-RPC, its domains and the handlers that turn
the bench's events into its records."""
