"""A filter of the supervisor view: names to choose from, each standing for a value (an
operator's name for a badge), at a width a bench screen has room for."""

from PySide6.QtWidgets import QComboBox

ALL = "All"
FILTER_CHARS = 14  # the box's width, in characters: its list shows whole names
LIST_MARGIN_PX = 24  # either side of a name in the list


class FilterBox(QComboBox):
    def __init__(self) -> None:
        super().__init__()
        # A supplier's or an operator's long name would widen the box, and the view, past
        # a bench screen: the box keeps a readable width, its list the whole names.
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(FILTER_CHARS)
        self.currentTextChanged.connect(self.setToolTip)

    def fill(self, names: dict[str, str]) -> None:
        """``All``, then each value by its name (``names``: value to name), in that order."""
        self.addItem(ALL, None)
        for value, name in names.items():
            self.addItem(name, value)
        widest = max(self.fontMetrics().horizontalAdvance(self.itemText(row))
                     for row in range(self.count()))  # fmt: skip
        shown = self.view()
        shown.setMinimumWidth(
            widest + LIST_MARGIN_PX + shown.verticalScrollBar().sizeHint().width()
        )

    def chosen(self) -> str | None:
        """The value chosen; None for all."""
        value = self.currentData()
        return value if isinstance(value, str) and value else None
