"""GS1 check digits against GTINs on real goods and against a mod 10 written apart."""

import pytest
from gs1_digits import gs1_check_digit
from hypothesis import given
from hypothesis import strategies as st

from station.gtin import check_digit, check_digit_problem, to_gtin14, with_check_digit

# Published GTINs, check digit last, as printed on the goods and in the GS1 and
# barcode references they are the examples of.
KNOWN = (
    "96385074",  # GTIN-8 (EAN-8)
    "55123457",
    "036000291452",  # GTIN-12 (UPC-A)
    "012345678905",
    "614141000036",
    "4006381333931",  # GTIN-13 (EAN-13)
    "5901234123457",
    "9780306406157",  # an ISBN-13
    "09506000134352",  # GTIN-14, as in GS1 Digital Link's examples
    "09501101020917",
    "10614141000415",
)


@pytest.mark.parametrize("gtin", KNOWN)
def test_a_known_gtin_has_the_check_digit_printed_on_it(gtin: str) -> None:
    payload, printed = gtin[:-1], int(gtin[-1])
    assert check_digit(payload) == printed
    assert with_check_digit(payload) == gtin
    assert check_digit_problem(gtin) is None
    assert check_digit_problem(to_gtin14(gtin)) is None  # leading zeros weigh nothing


@pytest.mark.parametrize("gtin", KNOWN)
def test_every_other_digit_in_a_known_gtins_check_place_is_wrong(gtin: str) -> None:
    for wrong in set("0123456789") - {gtin[-1]}:
        problem = check_digit_problem(gtin[:-1] + wrong)
        assert problem is not None and f"expected {gtin[-1]}, read {wrong}" in problem


@pytest.mark.parametrize("gtin", KNOWN)
def test_the_mod_10_written_apart_agrees_with_the_known_gtins(gtin: str) -> None:
    assert gs1_check_digit(gtin[:-1]) == int(gtin[-1])


@given(st.integers(1, 17).flatmap(lambda n: st.text("0123456789", min_size=n, max_size=n)))
def test_the_check_digit_is_the_one_worked_out_apart(payload: str) -> None:
    assert check_digit(payload) == gs1_check_digit(payload)
