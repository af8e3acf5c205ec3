"""Names the push relies on finding in the ERP: set up once at a site (the demo's seed
makes them too), then looked up by name rather than by id, which differs per database."""

UNIDENTIFIED = "Unidentified returns"  # the party unexpected returns come from
RETURN_GATE = "stock.shipment.out.return:receive"  # the operation a return waits at
GRADE_POINT = "grade"  # the inspection's point: A=1 .. E=5; the control's tolerance says which pass
