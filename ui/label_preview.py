"""A label as it will come out, drawn from its PDF (the office-printer path) with Qt PDF.

The PDF is drawn at the label printer's resolution, so one pixel is one printer dot and
the bars on screen are the bars on paper.
"""

import tempfile
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPdf import QPdfDocument

from devices.label_jobs import SAMPLE_DATA, layout_for
from devices.label_pdf import render_pdf


def preview(purpose: str, dpi: int, stock: str) -> QImage:
    """The sample label of ``purpose`` on ``stock``; ValueError when it has no layout."""
    template = layout_for(purpose, stock)
    with tempfile.TemporaryDirectory() as folder:
        pdf = render_pdf(template, SAMPLE_DATA[purpose], dpi, Path(folder) / "label.pdf")
        document = QPdfDocument()
        document.load(str(pdf))
        if document.status() is not QPdfDocument.Status.Ready:
            raise ValueError(f"the {purpose} label's PDF could not be read back")
        points = document.pagePointSize(0)
        size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
        page = document.render(0, size)
        document.close()
    # The page comes with a transparent ground; labels are white.
    image = QImage(size, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.drawImage(0, 0, page)
    painter.end()
    return image
