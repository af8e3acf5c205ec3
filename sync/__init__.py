"""The exchange with the central ERP: outbox push and master-data pull."""
