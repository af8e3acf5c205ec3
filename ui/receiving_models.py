"""Table models of the receiving screen, drawn from a ``ReceivingView``'s rows."""

from PySide6.QtGui import QBrush, QColor

from station.feedback import Tone
from station.receiving.view import LineRow, LineStatus, PlateRow
from ui.models import Row, TextTableModel
from ui.style import TONE_COLOURS

STATUS_TONES: dict[str, Tone] = {  # by the status text a row shows
    LineStatus.OVER: Tone.WARN,
    LineStatus.SHORT: Tone.BAD,
    LineStatus.UNEXPECTED: Tone.WARN,
    LineStatus.DONE: Tone.GOOD,
}


class ReceiptLinesModel(TextTableModel):
    """Expected against received, line by line; blind counting leaves Expected empty."""

    headers = ("Line", "SKU", "Item", "Expected", "Received", "Damaged", "Lots", "Status")

    def show_lines(self, lines: tuple[LineRow, ...]) -> None:
        self.show(
            [
                (
                    str(line.line_no) if line.line_no is not None else "+",
                    line.sku,
                    line.name,
                    "" if line.expected is None else str(line.expected),
                    str(line.received),
                    str(line.damaged) if line.damaged else "",
                    line.lots,
                    line.status or "",
                )
                for line in lines
            ]
        )

    def foreground(self, row: Row) -> QBrush | None:
        tone = STATUS_TONES.get(row[7])
        return QBrush(QColor(TONE_COLOURS[tone])) if tone else None


class PlatesModel(TextTableModel):
    """The receipt's license plates: what each carries, what it sits on, where it went."""

    headers = ("Plate", "On", "Units", "Bin")

    def show_plates(self, plates: tuple[PlateRow, ...]) -> None:
        self.show([(p.code, p.parent or "", str(p.units), p.bin or "") for p in plates])
