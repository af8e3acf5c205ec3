"""The station's core: scans, workflows, rules and the local store. No Qt, no network."""

__version__ = "0.1.0"
