"""The supervisor view's headline: a row of tiles, each a figure in large type over what it
was in the period before (green for good news, red for bad)."""

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from station.feedback import Tone
from station.supervisor.tiles import Tile
from ui.style import TONE_COLOURS


class HeadlineTiles(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.shown: list[tuple[QLabel, QLabel, QLabel]] = []

    def show_tiles(self, tiles: list[Tile]) -> None:
        while len(self.shown) < len(tiles):
            self.shown.append(self._tile())
        for (title, value, change), tile in zip(self.shown, tiles, strict=False):
            title.setText(tile.title)
            value.setText(tile.value)
            change.setText(tile.change)
            tone = None if tile.better is None else Tone.GOOD if tile.better else Tone.BAD
            change.setStyleSheet(f"color: {TONE_COLOURS[tone]};" if tone else "")

    def _tile(self) -> tuple[QLabel, QLabel, QLabel]:
        frame = QFrame()
        frame.setObjectName("card")
        column = QVBoxLayout(frame)
        title, value, change = QLabel(), QLabel(), QLabel()
        title.setObjectName("cardTitle")
        value.setObjectName("tileValue")
        value.setStyleSheet("font-size: 22pt; font-weight: bold;")
        change.setWordWrap(True)
        for label in (title, value, change):
            column.addWidget(label)
        self.row.addWidget(frame, 1)
        return title, value, change
