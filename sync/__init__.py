"""The exchange with the station's upstream: master data and work pulled, the outbox
pushed, through one ``Connector`` (``sync.connector``); Tryton's is in ``sync.tryton``."""
