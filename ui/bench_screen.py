"""What every bench screen has on top: the prompt, the code field, the last feedback, the
choices on offer, the supervisor banner, the sign-in page, and tabs of tables below.

A screen draws a view and a ``Feedback`` and reports the operator's intents as signals;
it never calls the bench itself.
"""

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QStackedWidget, QTableView, QTabWidget, QVBoxLayout, QWidget

from station.feedback import Feedback
from ui.code_entry import CodeEntry
from ui.feedback import show_tone
from ui.models import StoreTableModel
from ui.pin import ApprovalBanner, SignInPanel
from ui.tables import read_only_table


class BenchScreen(QWidget):
    """Signals:
    code_entered(str): a code typed by hand in the code field.
    sign_in_requested(str): a PIN typed on the sign-in panel.
    approval_requested(str): a supervisor's PIN typed on the approval banner.
    photo_requested(): the operator wants to attach a photo.
    """

    code_entered = Signal(str)
    sign_in_requested = Signal(str)
    approval_requested = Signal(str)
    photo_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self.prompt = QLabel()
        self.prompt.setObjectName("prompt")
        self.prompt.setWordWrap(True)
        self.code = CodeEntry()
        self.feedback = QLabel()
        self.feedback.setObjectName("feedback")
        self.feedback.setWordWrap(True)
        self.choices = QLabel()
        self.choices.setObjectName("choices")
        self.choices.setWordWrap(True)
        self.banner = ApprovalBanner()
        self.sign_in = SignInPanel()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.sign_in)
        self.tabs = QTabWidget()
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys are the bench's
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(10, 8, 10, 8)
        self.layout_.setSpacing(6)
        for widget in (self.prompt, self.code, self.feedback, self.choices, self.banner):
            self.layout_.addWidget(widget)
        self.code.code_entered.connect(self.code_entered)
        self.sign_in.pin.pin_entered.connect(self.sign_in_requested)
        self.banner.pin.pin_entered.connect(self.approval_requested)

    def add_table(self, title: str, model: StoreTableModel) -> QTableView:
        """A tab of rows; only the tab in front reads its rows at each scan."""
        table = read_only_table(model)
        self.tabs.addTab(table, title)
        model.sight(self.tabs.currentWidget() is table)
        self.tabs.currentChanged.connect(lambda _: model.sight(self.tabs.currentWidget() is table))
        return table

    def retitle(self, table: QTableView, title: str) -> None:
        self.tabs.setTabText(self.tabs.indexOf(table), title)

    def show_feedback(self, feedback: Feedback | None) -> None:
        show_tone(self.feedback, feedback)

    def show_choices(self, title: str | None, choices: tuple[str, ...], separator: str) -> None:
        """Numbered choices under a title, or nothing when ``title`` is None."""
        self.show_keys(title, tuple((str(n), c) for n, c in enumerate(choices, 1)), separator)

    def show_keys(
        self, title: str | None, keys: tuple[tuple[str, str], ...], separator: str
    ) -> None:
        """What each key means at this step, under a title, or nothing when ``title`` is None."""
        if title is None:
            self.choices.hide()
            return
        # Non-breaking spaces keep each key with its words when the line wraps.
        items = separator.join(
            f"<b style='background:#0d2b45; color:#ffffff'>&nbsp;{escape(key)}&nbsp;</b>&nbsp;"
            + escape(meaning).replace(" ", "&nbsp;")
            for key, meaning in keys
        )
        self.choices.setText(f"<span style='color:#546e7a'>{escape(title)}</span><br>{items}")
        self.choices.show()
