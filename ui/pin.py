"""PIN entry: signing in without a badge, and a supervisor's approval at the bench."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class PinEntry(QWidget):
    """A masked PIN field and its button.

    Signals:
        pin_entered(str): the operator pressed Enter or the button with a PIN typed.
    """

    pin_entered = Signal(str)

    def __init__(self, button: str, parent: QWidget | None = None, *, masked: bool = True) -> None:
        super().__init__(parent)
        self.field = QLineEdit()
        self.field.setObjectName("pin")
        if masked:
            # Password echo also tells the wedge filter to leave these keys alone.
            self.field.setEchoMode(QLineEdit.EchoMode.Password)
            self.field.setPlaceholderText("PIN")
        self.field.setMaximumWidth(220)
        # Never focused by itself: a focused PIN field would take the badge scans' keys.
        self.field.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.button = QPushButton(button)
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.field)
        layout.addWidget(self.button)
        layout.addStretch(1)
        self.field.returnPressed.connect(self._enter)
        self.button.clicked.connect(self._enter)

    def type_digit(self, digit: str) -> None:
        """A digit typed outside the field starts a PIN: put it there and keep the focus."""
        self.field.setFocus()
        self.field.insert(digit)

    def _enter(self) -> None:
        pin = self.field.text()
        self.field.clear()
        self.field.clearFocus()  # give the keys back to the scanner
        if pin:
            self.pin_entered.emit(pin)


class SignInPanel(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signIn")
        title = QLabel("Scan your badge or enter your PIN")
        title.setObjectName("signInTitle")
        hint = QLabel("Scan the badge at any time. To use a PIN, type it and press Enter.")
        hint.setObjectName("why")
        self.pin = PinEntry("Sign in")
        # Work left open (by a restart, a sign-out): said before anyone signs in to it.
        self.open_work = QLabel()
        self.open_work.setObjectName("openWork")
        self.open_work.setWordWrap(True)
        self.open_work.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 40, 40, 40)
        layout.setSpacing(16)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.open_work)
        layout.addWidget(self.pin)
        layout.addStretch(1)

    def show_open(self, work: str | None) -> None:
        self.open_work.setVisible(work is not None)
        if work is not None:
            self.open_work.setText(f"Open from before: {work}. Sign in to carry on where it was.")


class ApprovalBanner(QFrame):
    """Amber strip shown while a decision waits for a supervisor."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.text = QLabel()
        self.text.setObjectName("bannerText")
        self.text.setWordWrap(True)
        self.pin = PinEntry("Approve")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.addWidget(self.text, 1)
        layout.addWidget(QLabel("Supervisor PIN:"))
        layout.addWidget(self.pin)

    def show_reason(self, reason: str | None) -> None:
        self.setVisible(reason is not None)
        if reason is not None:
            self.text.setText(
                f"Supervisor approval needed: {reason}. Scan a supervisor badge or type their PIN."
            )
