"""The bench's side of the site hub: its outbox replicated up (``replicate.py``) over the
hub's wire (``wire.py``)."""
