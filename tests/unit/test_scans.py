"""Classification of raw scans, including the garbage a bench really sees."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from station.gtin import check_digit, to_gtin14, with_check_digit
from station.scans import Classifier, Scan, ScanKind, printable
from station.settings import Settings

classifier = Classifier(Settings())


def kind_of(raw: str) -> ScanKind:
    return classifier.classify(Scan(raw)).kind


@given(
    st.sampled_from([7, 11, 12, 13]).flatmap(
        lambda n: st.text("0123456789", min_size=n, max_size=n)
    )
)
def test_every_gtin_with_a_right_check_digit_is_accepted_as_14_digits(payload: str) -> None:
    code = with_check_digit(payload)
    result = classifier.classify(Scan(code))
    assert result.kind is ScanKind.GTIN
    assert result.gtin == to_gtin14(code)
    assert len(result.value) == 14


@given(
    st.sampled_from([7, 11, 12, 13]).flatmap(
        lambda n: st.text("0123456789", min_size=n, max_size=n)
    ),
    st.integers(1, 9),
)
def test_every_wrong_check_digit_is_rejected_with_the_expected_digit(
    payload: str, off: int
) -> None:
    right = check_digit(payload)
    code = payload + str((right + off) % 10)
    result = classifier.classify(Scan(code))
    assert result.kind is ScanKind.REJECTED
    assert result.problem is not None
    assert f"expected {right}" in result.problem


@given(st.text(max_size=700))
def test_garbage_never_raises_and_a_rejection_always_says_why(raw: str) -> None:
    result = classifier.classify(Scan(raw))
    assert isinstance(result.kind, ScanKind)
    if result.kind is ScanKind.REJECTED:
        assert result.problem
    assert all(32 <= ord(ch) < 127 or ord(ch) > 159 for ch in printable(raw))


@given(st.binary(max_size=200))
def test_random_bytes_from_a_serial_line_are_classified_or_rejected(data: bytes) -> None:
    raw = data.decode("latin-1")
    result = classifier.classify(Scan(raw, source="serial"))
    inner = raw.strip(" \r\n\t")
    if not inner or any((ord(ch) < 32 and ch != "\x1d") or ord(ch) == 127 for ch in inner):
        assert result.rejected
    if result.rejected:
        assert result.problem
    else:
        assert result.value.isprintable()


@pytest.mark.parametrize(
    ("raw", "kind", "value"),
    [
        ("@confirm", ScanKind.COMMAND, "CONFIRM"),
        ("@GRADE-B", ScanKind.COMMAND, "GRADE-B"),
        ("@REASON-DEFECTIVE", ScanKind.COMMAND, "REASON-DEFECTIVE"),
        ("@DISP-RTV", ScanKind.COMMAND, "DISP-RTV"),
        ("RMA-10001", ScanKind.RMA, "RMA-10001"),
        ("rma-10001\r\n", ScanKind.RMA, "RMA-10001"),
        ("SO-400123", ScanKind.ORDER, "SO-400123"),
        ("1Z999AA10123456784", ScanKind.TRACKING, "1Z999AA10123456784"),
        ("LPN-BENCH-01-000001", ScanKind.LPN, "LPN-BENCH-01-000001"),
        ("BIN-A01-01", ScanKind.BIN, "BIN-A01-01"),
        ("BADGE-1001", ScanKind.BADGE, "BADGE-1001"),
        ("SNX4Y7Q2", ScanKind.SERIAL, "SNX4Y7Q2"),
        ("5901234123457", ScanKind.GTIN, "05901234123457"),
        ("]E05901234123457", ScanKind.GTIN, "05901234123457"),
        ("]C0@NEXT", ScanKind.COMMAND, "NEXT"),
        ("]C0RMA-10004", ScanKind.RMA, "RMA-10004"),
        ("036000291452", ScanKind.GTIN, "00036000291452"),
        ("96385074", ScanKind.GTIN, "00000096385074"),
    ],
)
def test_codes_of_every_kind(raw: str, kind: ScanKind, value: str) -> None:
    result = classifier.classify(Scan(raw))
    assert (result.kind, result.value) == (kind, value)


@pytest.mark.parametrize(
    "raw",
    [
        "0109501101020917\x1d21SN12345\x1d10LOT-A7",
        "0109501101020917|21SN12345|10LOT-A7",
        "]C10109501101020917\x1d21SN12345\x1d10LOT-A7",
        "(01)09501101020917(21)SN12345(10)LOT-A7",
    ],
)
def test_gs1_element_strings_give_gtin_serial_and_lot(raw: str) -> None:
    result = classifier.classify(Scan(raw))
    assert result.kind is ScanKind.GS1
    assert (result.gtin, result.serial, result.lot) == ("09501101020917", "SN12345", "LOT-A7")


def test_gs1_expiry_is_a_date() -> None:
    result = classifier.classify(Scan("010950110102091717261231|10LOT1"))
    assert result.expiry is not None
    assert result.expiry.isoformat() == "2026-12-31"


def test_a_configured_substitute_separator_is_honoured() -> None:
    own = Classifier(Settings({"scanner.gs1_separator": "#"}))
    assert own.classify(Scan("0109501101020917#21SN1#10L1")).serial == "SN1"


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("", "Empty"),
        ("RMA-1\x00001", "Control characters"),
        ("RMA-10001\x07", "\\x07"),
        ("X" * 513, "too long"),
        ("RMA-1000ü", "keyboard layout"),
        ("@FLY", "Unknown command"),
        ("@GRADE-F", "grades are A to E"),
        ("0109501101020918|21SN1", "GTIN in the GS1 code is wrong"),
        ("hello world!", "Unknown code"),
    ],
)
def test_bad_input_is_rejected_with_a_reason(raw: str, words: str) -> None:
    result = classifier.classify(Scan(raw))
    assert result.kind is ScanKind.REJECTED
    assert result.problem is not None
    assert words in result.problem


def test_printable_shows_control_characters_as_hex() -> None:
    assert printable("A\x1dB\x00") == "A\\x1dB\\x00"
    assert printable("A\\x1dB") == "A\\\\x1dB"  # typed backslashes stay apart from a GS
