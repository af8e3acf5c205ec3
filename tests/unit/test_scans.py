"""Classification of raw scans, including the garbage a bench really sees."""

import pytest
from gs1_digits import gs1_check_digit, with_gs1_check_digit
from hypothesis import given
from hypothesis import strategies as st

from station.commands import CommandCode
from station.gtin import to_gtin14, with_check_digit
from station.scans import SAID, Classifier, Scan, ScanKind, not_expected, printable, storable
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
    code = with_gs1_check_digit(payload)
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
    right = gs1_check_digit(payload)
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
    ("raw", "word", "argument"),
    [
        ("@confirm", "CONFIRM", ""),
        ("@grade-b", "GRADE", "B"),
        ("@NEW-LPN", "NEW", "LPN"),
        ("@MODE-RECEIVING", "MODE", "RECEIVING"),
        ("@QTY-12", "QTY", "12"),
        ("@DISP-RTV_2", "DISP", "RTV_2"),
    ],
)
def test_a_command_comes_with_its_word_and_argument(raw: str, word: str, argument: str) -> None:
    """The benches act on the parts the classifier found, and never split the code again."""
    result = classifier.classify(Scan(raw))
    assert result.command == CommandCode(word, argument)
    assert result.command.code == result.value


def test_only_a_command_carries_command_parts() -> None:
    assert classifier.classify(Scan("RMA-10001")).command is None
    assert classifier.classify(Scan("@GRADE-Z")).command is None


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


def test_printable_writes_a_lone_surrogate_as_an_escape_that_can_be_stored() -> None:
    shown = printable("RMA-1\ud800\udfff")
    assert shown == "RMA-1\\ud800\\udfff"
    assert shown.encode("utf-8")
    assert storable("why: \ud800") == "why: \ufffd"


@pytest.mark.parametrize(
    "raw",
    [
        "010590123412345730|10X",  # the attacker's: AI 30 empty before a separator
        "0105901234123457\x1d30\x1d10X",
        "]C1010590123412345710ABC|30",  # and at the end of the code
        "(01)05901234123457(10)(21)X",  # in brackets, which biip would leave out
        "(01)05901234123457(30)",
    ],
)
def test_a_gs1_ai_with_no_value_is_an_unreadable_code(raw: str) -> None:
    result = classifier.classify(Scan(raw))
    assert result.kind is ScanKind.REJECTED
    assert result.problem is not None and "has no value" in result.problem
    assert result.problem.startswith("Unreadable GS1 code: AI ")


def test_a_scan_of_megabytes_is_named_by_its_start() -> None:
    result = classifier.classify(Scan("A" * 10_000_000))
    assert result.kind is ScanKind.REJECTED
    assert result.value == "A" * classifier.max_length + "…"


SSCC = with_check_digit("34012345" + "000000123")


def test_an_sscc_alone_is_a_gs1_pallet_code_and_a_wrong_check_digit_is_refused() -> None:
    pallet = classifier.classify(Scan("00" + SSCC))
    assert (pallet.kind, pallet.sscc, pallet.gtin) == (ScanKind.GS1, SSCC, None)
    wrong = SSCC[:-1] + str((int(SSCC[-1]) + 1) % 10)
    refused = classifier.classify(Scan("]C100" + wrong))
    assert refused.kind is ScanKind.REJECTED
    assert refused.problem is not None and "SSCC" in refused.problem
    assert "check digit" in refused.problem


def test_a_receiving_element_string_fills_item_lot_expiry_and_count_in_one_scan() -> None:
    gtin = with_check_digit("0950600013435")
    scan = classifier.classify(Scan(f"01{gtin}17270331" + "10LOT-7\x1d" + "3024"))
    assert (scan.gtin, scan.lot, scan.quantity) == (gtin, "LOT-7", 24)
    assert scan.expiry is not None and scan.expiry.isoformat() == "2027-03-31"
    case = classifier.classify(Scan(f"02{gtin}370012"))
    assert (case.gtin, case.quantity) == (gtin, 12)


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        ("010950600013435217261131" + "10A", "date"),  # 31 November
        ("010950600013435217261332" + "10A", "17"),  # month 13
        ("0109506000134352" + "23XYZ", "Application Identifier"),  # AI 23 is not assigned
        ("0109506000134352" + "3000", "zero"),
    ],
)
def test_impossible_dates_unknown_ais_and_zero_counts_are_refused(raw: str, said: str) -> None:
    refused = classifier.classify(Scan(raw))
    assert refused.kind is ScanKind.REJECTED
    assert refused.problem is not None and said in refused.problem


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("ASN-200001", ScanKind.ASN),
        ("PO-700001", ScanKind.PO),
        ("SUP-ALPENKRAUT", ScanKind.SUPPLIER),
    ],
)
def test_receiving_documents_are_told_apart_from_serials(raw: str, kind: ScanKind) -> None:
    assert kind_of(raw) is kind


def test_a_plain_code_marked_gs1_by_the_scanner_points_at_its_aim_setting() -> None:
    refused = classifier.classify(Scan("]C1SNDL80MB9VSI"))
    assert refused.kind is ScanKind.REJECTED
    assert refused.problem is not None and refused.problem.startswith("Unreadable GS1 code")
    assert "scanner marked it GS1 (]C1)" in refused.problem
    assert "AIM" in refused.problem


def test_every_kind_of_code_has_a_name_an_operator_reads() -> None:
    assert set(SAID) == set(ScanKind)
    assert not_expected(ScanKind.GTIN, "Scan the bin") == (
        "An item barcode is not expected now. Scan the bin."
    )
