"""The returns bench: identify a returned unit, check the policy, inspect, grade and
dispose of it by the rule pack, and record it all at once."""
