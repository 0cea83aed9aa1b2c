"""A large preview: the photo with zoom (fit, 100%, the wheel around the cursor), panning and a
rotated view, beside its details (date, camera, lens, exposure, size, place, people).

Arrows step through the photos it was opened with (the grid's, or a photo's neighbours on the
map); Escape closes. The photo's record, EXIF and faces are read on a worker
(`library.photo_details`), the image decoded there too: the GUI thread never touches the catalog
or a file. Rotating turns the view only: the user's photo is never written.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import os
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QDateTime,
    QLocale,
    QObject,
    QPointF,
    QRectF,
    QRunnable,
    Qt,
    QTime,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QImage, QKeyEvent, QPainter, QPen, QPixmap, QTransform
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from photoindex.gui.tasks import tracked_pool

log = logging.getLogger(__name__)

FIRST_SIDE = 1400
"""The first decode's long side: sharp when fitted on most screens, quick to step through.
Zooming in past it loads the photo at full size."""
MAX_ZOOM = 16.0
BACKGROUND = QColor(20, 21, 24)


class _Signals(QObject):
    found = Signal(int, object)
    loaded = Signal(int, QImage, bool)


class _Load(QRunnable):
    """On the pool: the photo's details from the catalog and its EXIF (never on the GUI thread),
    then the image at `side` (or full size) through the core's decoder (EXIF orientation, HEIC,
    RAW previews)."""

    def __init__(self, token: int, photo_id: int, library: Any, side: int | None, signals: _Signals,
                 details: bool = True) -> None:
        super().__init__()
        self.token, self.photo_id, self.library, self.side, self.signals = token, photo_id, library, side, signals
        self.details = details

    def run(self) -> None:
        try:
            self._run()
        except RuntimeError as exc:  # the dialog is gone (closed while this ran): nothing to show
            log.debug("a preview load finished after its dialog closed (%s)", exc)
        except Exception:
            log.exception("preview of photo %s", self.photo_id)

    def _run(self) -> None:
        path = None
        if self.details:
            try:
                info = self.library.photo_details(self.photo_id)
            except Exception:
                log.exception("reading photo %s for the preview", self.photo_id)
                info = None
            self.signals.found.emit(self.token, info)
            if info is None:
                return
            path, width, height = info.path, info.width, info.height
        else:
            photo = self.library.photo(self.photo_id)
            if photo is None:
                return
            path, width, height = photo.path, photo.width, photo.height
        full = self.side is None
        min_side = min(width, height) if full and width and height else 0
        if not min_side:
            long_side = self.side or FIRST_SIDE
            # preview_image asks for the short side; a 3:2 photo's long side is 1.5 times it.
            ratio = (min(width, height) / max(width, height)) if width and height else 0.75
            min_side = max(1, int(long_side * ratio))
        img = QImage()
        try:
            pil = self.library.preview_image(path, min_side)
            data = pil.convert("RGB").tobytes("raw", "RGB")
            img = QImage(data, pil.width, pil.height, pil.width * 3, QImage.Format.Format_RGB888).copy()
        except Exception as exc:
            log.info("preview: cannot show %s: %s", path, exc)
        self.signals.loaded.emit(self.token, img, full)


class PhotoCanvas(QWidget):
    """The photo, zoomed and panned in the photo's own pixels (whatever resolution is loaded),
    turned in steps of 90 degrees; optional face boxes with names."""

    zoomChanged = Signal()
    fullSizeWanted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(320, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.pixmap: QPixmap | None = None
        self.full_size = (0, 0)
        self.rotation = 0
        self.zoom: float | None = None
        """Screen pixels per photo pixel; None: fitted to the window."""
        self.center = QPointF(0, 0)
        self.faces: list[tuple[tuple[float, float, float, float], str]] = []
        self.show_faces = True
        self.message = ""
        self._drag: QPointF | None = None

    # -- state -------------------------------------------------------------------------------

    def set_photo(self, pixmap: QPixmap | None, full_size: tuple[int, int], *, keep_view: bool = False) -> None:
        """Show a pixmap of a photo whose upright size is full_size (the pixmap may be smaller)."""
        self.pixmap = pixmap
        if pixmap is not None and not all(full_size):
            full_size = (pixmap.width(), pixmap.height())
        self.full_size = full_size
        if not keep_view:
            self.rotation, self.zoom = 0, None
            self.center = QPointF(full_size[0] / 2, full_size[1] / 2)
        self.message = ""
        self.update()
        self.zoomChanged.emit()

    def set_message(self, text: str) -> None:
        self.pixmap, self.message = None, text
        self.update()

    def fit_scale(self) -> float:
        w, h = self.full_size
        if not w or not h:
            return 1.0
        if self.rotation % 180:
            w, h = h, w
        return min(self.width() / w, self.height() / h)

    def scale(self) -> float:
        return self.fit_scale() if self.zoom is None else self.zoom

    def transform(self) -> QTransform:
        """Photo pixels -> widget pixels."""
        s = self.scale()
        center = QPointF(self.full_size[0] / 2, self.full_size[1] / 2) if self.zoom is None else self.center
        # Applied left to right: centre to the origin, scale, turn, then to the widget's middle.
        return (QTransform.fromTranslate(-center.x(), -center.y()) * QTransform.fromScale(s, s)
                * QTransform().rotate(self.rotation) * QTransform.fromTranslate(self.width() / 2, self.height() / 2))

    def fit(self) -> None:
        self.zoom = None
        self.center = QPointF(self.full_size[0] / 2, self.full_size[1] / 2)
        self.update()
        self.zoomChanged.emit()

    def set_zoom(self, zoom: float, around: QPointF | None = None) -> None:
        """Zoom to `zoom` screen pixels per photo pixel, keeping the photo point under `around`
        (widget pixels; the middle when None) where it is."""
        if not all(self.full_size):
            return
        around = around if around is not None else QPointF(self.width() / 2, self.height() / 2)
        inverse, _ok = self.transform().inverted()
        fixed = inverse.map(around)
        zoom = max(min(self.fit_scale(), 1.0) / 4, min(MAX_ZOOM, zoom))
        # Solve for the centre that puts `fixed` back under `around` at the new zoom.
        back = QTransform().rotate(-self.rotation).map(
            QPointF((around.x() - self.width() / 2) / zoom, (around.y() - self.height() / 2) / zoom))
        self.zoom = zoom
        self.center = fixed - back
        self.update()
        self.zoomChanged.emit()
        if self.pixmap is not None and zoom > self.pixmap.width() / max(self.full_size[0], 1) * 1.05:
            self.fullSizeWanted.emit()

    def zoom_by(self, factor: float, around: QPointF | None = None) -> None:
        self.set_zoom(self.scale() * factor, around)

    def rotate_view(self, degrees: int) -> None:
        self.rotation = (self.rotation + degrees) % 360
        self.update()
        self.zoomChanged.emit()

    def pan(self, dx: float, dy: float) -> None:
        if self.zoom is None:
            self.zoom = self.fit_scale()
            self.center = QPointF(self.full_size[0] / 2, self.full_size[1] / 2)
        back = QTransform().rotate(-self.rotation).map(QPointF(dx / self.zoom, dy / self.zoom))
        self.center -= back
        self.update()

    # -- painting and input --------------------------------------------------------------------

    def paintEvent(self, event: Any) -> None:
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), BACKGROUND)
            if self.pixmap is None:
                painter.setPen(QColor(190, 190, 190))
                painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.message)
                return
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self.scale() < 2)
            t = self.transform()
            painter.setTransform(t)
            w, h = self.full_size
            painter.drawPixmap(QRectF(0, 0, w, h), self.pixmap, QRectF(self.pixmap.rect()))
            if self.show_faces and self.faces:
                self._paint_faces(painter, t)
        finally:
            painter.end()

    def _paint_faces(self, painter: QPainter, t: QTransform) -> None:
        painter.resetTransform()
        font = QFont(self.font())
        painter.setFont(font)
        fm = painter.fontMetrics()
        for (x, y, w, h), name in self.faces:
            rect = t.mapRect(QRectF(x, y, w, h))
            painter.setPen(QPen(QColor(255, 255, 255, 220), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect, 4, 4)
            if name:
                tw = fm.horizontalAdvance(name) + 10
                tag = QRectF(rect.center().x() - tw / 2, rect.bottom() + 4, tw, fm.height() + 4)
                painter.fillRect(tag, QColor(0, 0, 0, 170))
                painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, name)

    def wheelEvent(self, event: Any) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom_by(1.25 ** steps, event.position())
        event.accept()

    def mousePressEvent(self, event: Any) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag = event.position()
            self.setCursor(Qt.CursorShape.ClosedHandCursor)

    def mouseMoveEvent(self, event: Any) -> None:
        if self._drag is not None:
            pos = event.position()
            self.pan(pos.x() - self._drag.x(), pos.y() - self._drag.y())
            self._drag = pos

    def mouseReleaseEvent(self, event: Any) -> None:
        self._drag = None
        self.unsetCursor()

    def mouseDoubleClickEvent(self, event: Any) -> None:
        if self.zoom is None:
            self.set_zoom(1.0, event.position())
        else:
            self.fit()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.zoomChanged.emit()



def format_details(info: Any, locale: QLocale | None = None) -> list[tuple[str, str]]:
    """(label, rich text) rows for the details panel: numbers and dates through QLocale."""
    loc = locale or QLocale()
    e = info.exif
    rows: list[tuple[str, str]] = []
    rows.append((QCoreApplication.translate("PreviewDialog", "File"), f"<b>{html.escape(os.path.basename(info.path))}</b><br>"
                 f"<span style='color:gray'>{html.escape(os.path.dirname(info.path))}</span>"))
    if e.taken is not None:
        taken = e.taken
        # Date and time apart: a QDateTime's long form names this machine's zone, not the camera's.
        text = QCoreApplication.translate("PreviewDialog", "{date}, {time}").format(
            date=loc.toString(QDate(taken.year, taken.month, taken.day), QLocale.FormatType.LongFormat),
            time=loc.toString(QTime(taken.hour, taken.minute, taken.second), QLocale.FormatType.ShortFormat))
        if taken.tzinfo is not None:
            offset = taken.utcoffset() or dt.timedelta(0)
            minutes = int(offset.total_seconds() // 60)
            offset_text = f"{'+' if minutes >= 0 else '−'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
            text = QCoreApplication.translate("PreviewDialog", "{date} (UTC{offset})").format(date=text, offset=offset_text)
        rows.append((QCoreApplication.translate("PreviewDialog", "Taken"), html.escape(text)))
    elif info.date:
        when = QDateTime.fromSecsSinceEpoch(int(info.date))
        text = QCoreApplication.translate("PreviewDialog", "{date}, {time}").format(
            date=loc.toString(when.date(), QLocale.FormatType.LongFormat),
            time=loc.toString(when.time(), QLocale.FormatType.ShortFormat))
        rows.append((QCoreApplication.translate("PreviewDialog", "Date"), html.escape(text)))
    if e.camera:
        rows.append((QCoreApplication.translate("PreviewDialog", "Camera"), html.escape(e.camera)))
    if e.lens:
        rows.append((QCoreApplication.translate("PreviewDialog", "Lens"), html.escape(e.lens)))
    exposure = []
    if e.exposure_time:
        if e.exposure_time < 0.5:
            exposure.append(QCoreApplication.translate("PreviewDialog", "1/{denominator} s").format(denominator=loc.toString(round(1 / e.exposure_time))))
        else:
            exposure.append(QCoreApplication.translate("PreviewDialog", "{seconds} s").format(seconds=loc.toString(e.exposure_time, "g", 3)))
    if e.f_number:
        exposure.append(QCoreApplication.translate("PreviewDialog", "f/{number}").format(number=loc.toString(e.f_number, "f", 1)))
    if e.iso:
        exposure.append(QCoreApplication.translate("PreviewDialog", "ISO {iso}").format(iso=loc.toString(e.iso)))
    if e.focal_length:
        focal = QCoreApplication.translate("PreviewDialog", "{mm} mm").format(mm=loc.toString(e.focal_length, "g", 4))
        if e.focal_length_35mm and abs(e.focal_length_35mm - e.focal_length) > 0.5:
            focal = QCoreApplication.translate("PreviewDialog", "{mm} mm ({mm35} mm in 35 mm terms)").format(
                mm=loc.toString(e.focal_length, "g", 4), mm35=loc.toString(e.focal_length_35mm))
        exposure.append(focal)
    if exposure:
        rows.append((QCoreApplication.translate("PreviewDialog", "Exposure"), html.escape(" · ".join(exposure))))
    if info.width and info.height:
        mp = info.width * info.height / 1e6
        rows.append((QCoreApplication.translate("PreviewDialog", "Size"), html.escape(QCoreApplication.translate("PreviewDialog", "{width} × {height} pixels ({megapixels} MP)").format(
            width=loc.toString(info.width), height=loc.toString(info.height), megapixels=loc.toString(mp, "f", 1)))))
    rows.append((QCoreApplication.translate("PreviewDialog", "File size"), html.escape(loc.formattedDataSize(int(info.file_size)))))
    if e.has_gps:
        lat = QCoreApplication.translate("PreviewDialog", "{degrees}° N").format(degrees=loc.toString(abs(e.latitude), "f", 5)) if e.latitude >= 0 else \
            QCoreApplication.translate("PreviewDialog", "{degrees}° S").format(degrees=loc.toString(abs(e.latitude), "f", 5))
        lon = QCoreApplication.translate("PreviewDialog", "{degrees}° E").format(degrees=loc.toString(abs(e.longitude), "f", 5)) if e.longitude >= 0 else \
            QCoreApplication.translate("PreviewDialog", "{degrees}° W").format(degrees=loc.toString(abs(e.longitude), "f", 5))
        url = (f"https://www.openstreetmap.org/?mlat={e.latitude:.6f}&mlon={e.longitude:.6f}"
               f"#map=16/{e.latitude:.6f}/{e.longitude:.6f}")
        place = f"{html.escape(lat)}, {html.escape(lon)}"
        if e.altitude is not None:
            place += "<br>" + html.escape(QCoreApplication.translate("PreviewDialog", "{metres} m above sea level").format(metres=loc.toString(round(e.altitude))))
        link = QCoreApplication.translate("PreviewDialog", "Open in OpenStreetMap")
        place += f"<br><a href='{url}'>{html.escape(link)}</a>"
        rows.append((QCoreApplication.translate("PreviewDialog", "Place"), place))
    if info.faces:
        names = [f.name or (QCoreApplication.translate("PreviewDialog", "Unnamed") if f.person_id is not None else QCoreApplication.translate("PreviewDialog", "Not sorted yet")) for f in info.faces]
        count = len(names)
        rows.append((QCoreApplication.translate("PreviewDialog", "People", None, count), html.escape(", ".join(names))))
    return rows


class PreviewDialog(QDialog):
    """Steps through photo_ids; current_changed(photo_id) lets the grid follow along."""

    current_changed = Signal(int)

    def __init__(self, photo_ids: list[int], start: int, library: Any, parent: QWidget | None = None,
                 *, context: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Preview"))
        self.photo_ids = list(photo_ids) or [0]
        self.pos = max(0, min(start, len(self.photo_ids) - 1))
        self.library = library
        self.context = context
        self.details: Any = None
        self._token = 0
        self._full_loaded = False
        self._full_requested = False

        self.canvas = PhotoCanvas()
        self.canvas.zoomChanged.connect(self._zoom_changed)
        self.canvas.fullSizeWanted.connect(self._load_full)
        self.info = QLabel()
        self.info.setTextFormat(Qt.TextFormat.RichText)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.info.setOpenExternalLinks(True)
        self.info.setWordWrap(True)
        self.info.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.info.setMargin(8)
        panel = QScrollArea()
        panel.setWidget(self.info)
        panel.setWidgetResizable(True)
        panel.setMinimumWidth(240)
        self.panel = panel

        def button(text: str, tip: str, slot: Any) -> QToolButton:
            b = QToolButton()
            b.setText(text)
            b.setToolTip(tip)
            b.clicked.connect(slot)
            bar.addWidget(b)
            return b

        bar = QHBoxLayout()
        self.prev_button = button(self.tr("‹ Previous"), self.tr("Previous photo (Left arrow)"), lambda: self.step(-1))
        self.next_button = button(self.tr("Next ›"), self.tr("Next photo (Right arrow)"), lambda: self.step(1))
        self.position = QLabel()
        bar.addWidget(self.position)
        bar.addStretch(1)
        self.fit_button = button(self.tr("Fit"), self.tr("Fit the photo in the window (F)"), self.canvas.fit)
        self.actual_button = button(self.tr("100%"), self.tr("One photo pixel per screen pixel (1)"),
                                    lambda: self.canvas.set_zoom(1.0))
        button(self.tr("−"), self.tr("Zoom out (-)"), lambda: self.canvas.zoom_by(0.8))
        button(self.tr("+"), self.tr("Zoom in (+)"), lambda: self.canvas.zoom_by(1.25))
        self.zoom_label = QLabel()
        bar.addWidget(self.zoom_label)
        self.rotate_left = button(self.tr("⟲"), self.tr("Turn the view left (L); the file is not changed"),
                                  lambda: self.canvas.rotate_view(-90))
        self.rotate_right = button(self.tr("⟳"), self.tr("Turn the view right (R); the file is not changed"),
                                   lambda: self.canvas.rotate_view(90))
        self.faces_check = QCheckBox(self.tr("Faces"))
        self.faces_check.setToolTip(self.tr("Outline the faces found in this photo, with their names"))
        self.faces_check.setChecked(True)
        self.faces_check.toggled.connect(self._toggle_faces)
        bar.addWidget(self.faces_check)
        self.details_check = QCheckBox(self.tr("Details"))
        self.details_check.setChecked(True)
        self.details_check.toggled.connect(panel.setVisible)
        bar.addWidget(self.details_check)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.canvas)
        split.addWidget(panel)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 0)
        split.setSizes([900, 300])
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(bar)
        self.pool = tracked_pool(self, 1)
        self._signals = _Signals()
        self._signals.found.connect(self._found)
        self._signals.loaded.connect(self._loaded)
        self.resize(1200, 800)
        self.show_current()

    @property
    def current_id(self) -> int:
        return self.photo_ids[self.pos]

    @property
    def _pixmap(self) -> QPixmap | None:  # what the window's tests look for: the photo is shown
        return self.canvas.pixmap

    def show_current(self) -> None:
        self._token += 1
        self._full_loaded = self._full_requested = False
        self.details = None
        self.canvas.faces = []
        self.canvas.set_message(self.tr("Loading…"))
        self._update_position()
        self.current_changed.emit(self.current_id)
        self.pool.start(_Load(self._token, self.current_id, self.library, FIRST_SIDE, self._signals))

    def _update_position(self) -> None:
        loc = QLocale()
        position, count = loc.toString(self.pos + 1), loc.toString(len(self.photo_ids))
        if self.context:  # one sentence, so that a translation can order it: "3 of 100 nearby on the map"
            text = self.tr("{position} of {count} {context}").format(position=position, count=count,
                                                                      context=self.context)
        else:
            text = self.tr("{position} of {count}").format(position=position, count=count)
        self.position.setText(text)
        self.prev_button.setEnabled(self.pos > 0)
        self.next_button.setEnabled(self.pos < len(self.photo_ids) - 1)

    def _found(self, token: int, info: Any) -> None:
        if token != self._token:
            return
        self.details = info
        if info is None:
            self.canvas.set_message(self.tr("This photo is no longer in the library."))
            self.info.setText("")
            return
        rows = format_details(info)
        self.info.setText("<table cellspacing='0' cellpadding='3'>" + "".join(
            f"<tr><td valign='top' style='color:gray'>{html.escape(label)}</td><td>{value}</td></tr>"
            for label, value in rows) + "</table>")
        self.canvas.faces = [(f.box, f.name or "") for f in info.faces]
        self.setWindowTitle(os.path.basename(info.path))

    def _loaded(self, token: int, img: QImage, full: bool) -> None:
        if token != self._token:
            return
        if img.isNull():
            if not full:
                self.canvas.set_message(self.tr("This photo cannot be shown."))
            return
        info = self.details
        size = (info.width or img.width(), info.height or img.height()) if info is not None else (img.width(), img.height())
        self.canvas.set_photo(QPixmap.fromImage(img), size, keep_view=full)
        self._full_loaded = full

    def _load_full(self) -> None:
        if self._full_loaded or self._full_requested or self.details is None:
            return
        self._full_requested = True
        self.pool.start(_Load(self._token, self.current_id, self.library, None, self._signals, details=False))

    def _toggle_faces(self, on: bool) -> None:
        self.canvas.show_faces = on
        self.canvas.update()

    def _zoom_changed(self) -> None:
        self.zoom_label.setText(self.tr("{percent}%").format(percent=QLocale().toString(round(self.canvas.scale() * 100))))

    def step(self, delta: int) -> None:
        new = max(0, min(len(self.photo_ids) - 1, self.pos + delta))
        if new != self.pos:
            self.pos = new
            self.show_current()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_PageDown):
            self.step(1)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Up, Qt.Key.Key_PageUp):
            self.step(-1)
        elif key in (Qt.Key.Key_Escape, Qt.Key.Key_Space):
            self.reject()
        elif key == Qt.Key.Key_F:
            self.canvas.fit()
        elif key == Qt.Key.Key_1:
            self.canvas.set_zoom(1.0)
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.canvas.zoom_by(1.25)
        elif key == Qt.Key.Key_Minus:
            self.canvas.zoom_by(0.8)
        elif key == Qt.Key.Key_R:
            self.canvas.rotate_view(90)
        elif key == Qt.Key.Key_L:
            self.canvas.rotate_view(-90)
        else:
            super().keyPressEvent(event)

    def done(self, result: int) -> None:
        self._token += 1  # a load still running is dropped
        super().done(result)
