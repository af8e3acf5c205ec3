"""The receiving bench: count inbound goods against the expected receipt onto plates,
put them away to bins by rule, and close the receipt with its discrepancies."""
