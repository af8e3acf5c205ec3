"""GS1 check digits: weights 3 and 1 alternating from the right, modulo 10."""


def check_digit(payload: str) -> int:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(payload)))
    return (10 - total % 10) % 10


def check_digit_problem(code: str) -> str | None:
    """None when the last digit of ``code`` is right, else what the operator should know."""
    expected = check_digit(code[:-1])
    if int(code[-1]) == expected:
        return None
    return f"Check digit wrong in {code}: expected {expected}, read {code[-1]}. Rescan the item."


def to_gtin14(code: str) -> str:
    return code.rjust(14, "0")


def with_check_digit(payload: str) -> str:
    return payload + str(check_digit(payload))
