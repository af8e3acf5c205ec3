"""The field for a code typed by hand, shared by every bench screen."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from station.scans import read_limit
from station.setting_keys import LONGEST_SCAN


class CodeEntry(QLineEdit):
    """A code typed by hand (a damaged label, a bench without a scanner).

    Signals:
        code_entered(str): Enter pressed with a code in the field; the field is cleared and
            gives the keyboard back to the bench's command keys.
    """

    code_entered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("code")
        self.setPlaceholderText(
            "F2: type a code (RMA, ASN, GTIN, serial, plate, bin, badge, @command) + Enter"
        )
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        # A paste of megabytes is cut where a device cuts a read, past any scan a setting
        # allows: the bench rejects it as too long, without holding (or logging) it whole.
        self.setMaxLength(read_limit(LONGEST_SCAN))
        self.returnPressed.connect(self._enter)

    def keep_secret(self, secret: bool) -> None:
        """While nobody is signed in, what is typed here may be a PIN: dots, not digits,
        for whoever stands beside the bench."""
        self.setEchoMode(QLineEdit.EchoMode.Password if secret else QLineEdit.EchoMode.Normal)

    def _enter(self) -> None:
        code = self.text().strip()
        self.clear()
        self.clearFocus()
        if code:
            self.code_entered.emit(code)
