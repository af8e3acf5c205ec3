"""GS1 check digits worked out apart from the station's code, for tests to check it by.

As the GS1 General Specifications tabulate it: the digits before the check digit are
right-aligned in a 17-digit field, weighted 3, 1, 3, 1, … from its left, and the check
digit is what takes the sum up to the next multiple of ten.
"""

FIELD = 17


def gs1_check_digit(payload: str) -> int:
    if not payload.isdigit() or len(payload) > FIELD:
        raise ValueError(f"not the digits of a GS1 key: {payload!r}")
    weighted = 0
    for position, digit in enumerate(payload.rjust(FIELD, "0")):
        weighted += int(digit) * (3 if position % 2 == 0 else 1)
    next_ten = -(-weighted // 10) * 10
    return next_ten - weighted


def with_gs1_check_digit(payload: str) -> str:
    return payload + str(gs1_check_digit(payload))
