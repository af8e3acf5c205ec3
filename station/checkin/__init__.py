"""The dock's check-in: a returned parcel scanned as it arrives, tagged, and put in the
backlog that the returns benches pull from in the order of what waiting costs."""
