"""What supervisors see and decide: facts per day, figures, alerts, reports, approvals."""
