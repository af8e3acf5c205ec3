"""Tables on a bench screen: read and scrolled, never focused, so keys stay the bench's."""

from collections.abc import Sequence

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedLayout,
    QTableView,
    QWidget,
)


def read_only_table(model: QAbstractItemModel) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class PickList(QWidget):
    """A table to pick one row from for the buttons that act on it: they are enabled only
    while a row is picked, so none of them can be pressed to no effect, and an empty table
    says ``nothing`` in words instead of showing a blank grid."""

    def __init__(
        self,
        model: QAbstractItemModel,
        nothing: str,
        buttons: Sequence[QPushButton] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.model, self.buttons = model, tuple(buttons)
        self.table = read_only_table(model)
        if self.buttons:
            self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            self.table.selectionModel().selectionChanged.connect(lambda *_: self._follow())
        self.nothing = QLabel(nothing)
        self.nothing.setObjectName("placeholder")
        self.nothing.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.nothing.setWordWrap(True)
        self.pages = QStackedLayout(self)
        self.pages.addWidget(self.nothing)
        self.pages.addWidget(self.table)
        for changed in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            changed.connect(lambda *_: self._follow())
        self._follow()

    def picked(self) -> int | None:
        """The row picked, if any."""
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _follow(self) -> None:
        empty = self.model.rowCount() == 0
        self.pages.setCurrentWidget(self.nothing if empty else self.table)
        for button in self.buttons:
            button.setEnabled(self.picked() is not None)
