"""The window in Korean: the translation is complete, current with the source, and every string
a person sees in the window, People, the Map, Settings, the preview, Duplicates and the failures
panel comes out of it (names, paths and numbers excepted).

After new tr() strings: `scripts/build_translations.sh --update`, translate what is marked
unfinished in photoindex/resources/translations/photoindex_ko.ts (and the plural forms in
photoindex_en.ts), then `scripts/build_translations.sh` compiles them.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractListModel, QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QSpinBox,
    QTabBar,
    QTreeView,
    QWidget,
)

from photoindex.gui import i18n
from tests.photos import save_jpeg, scene

PROJECT = Path(__file__).resolve().parents[2]
GUI_SOURCES = sorted(str(p) for p in (PROJECT / "photoindex" / "gui").glob("*.py"))
LUPDATE = Path(sys.executable).parent / "pyside6-lupdate"
WAIT = 120_000

ALLOWED = {
    # the brand, the models and the hardware, which Korean interfaces name in English too
    "photoindex", "CLIP", "DINOv", "OpenCLIP", "ViT", "XLM", "SigLIP", "NLLB", "CPU", "GPU", "CUDA", "Apple", "Metal",
    # units and keys, as Korean interfaces write them
    "KB", "MB", "GB", "TB", "kB", "KiB", "MiB", "GiB", "TiB", "px", "mm", "UTC", "MP", "Ctrl", "Shift", "Alt", "Esc", "Enter", "Tab", "Del", "Home", "End",
    # each language names itself in the language choice
    "English",
    # photo formats and metadata names
    "JPEG", "PNG", "HEIC", "RAW", "EXIF", "ISO",
}
WORD = re.compile(r"[A-Za-z]{2,}")


# -- the .ts files ----------------------------------------------------------------------------------


def messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    """(context, source) -> <message> of a Qt Linguist file."""
    out = {}
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for m in ctx.iter("message"):
            out[(name, m.findtext("source") or "")] = m
    return out


def lupdate(tmp_path: Path, plural_only: bool) -> dict[tuple[str, str], ET.Element]:
    """What pyside6-lupdate collects from the window's sources now."""
    out = tmp_path / ("plural.ts" if plural_only else "all.ts")
    cmd = [str(LUPDATE), "-silent", "-locations", "none", *GUI_SOURCES, "-ts", str(out)]
    if plural_only:
        cmd.insert(1, "-pluralonly")
    subprocess.run(cmd, check=True, capture_output=True, timeout=300)
    return messages(out)


def placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"\{[a-z_]+\}|%L?\d|%L?n", text.replace("%Ln", "%n")))


@pytest.mark.skipif(not LUPDATE.exists(), reason="pyside6-lupdate ships with PySide6")
@pytest.mark.parametrize("language", ["ko", "en"])
def test_ts_is_up_to_date_with_the_source(tmp_path: Path, language: str) -> None:
    """Every tr() string in photoindex/gui is in the committed .ts (English: every plural)."""
    found = lupdate(tmp_path, plural_only=language == "en")
    committed = messages(i18n.ts_path(language))
    new = sorted(set(found) - set(committed))
    assert not new, (f"{len(new)} new strings are not in {i18n.ts_path(language).name}: run "
                     "scripts/build_translations.sh --update and translate them:\n"
                     + "\n".join(f"  [{ctx}] {src!r}" for ctx, src in new))
    gone = sorted(set(committed) - set(found))
    assert not gone, ("strings no longer in the source (run scripts/build_translations.sh --update):\n"
                      + "\n".join(f"  [{ctx}] {src!r}" for ctx, src in gone))


def test_every_tr_call_is_visible_to_lupdate() -> None:
    """lupdate reads the source, not the running program: it sees self.tr("..."), tr("...") and
    QCoreApplication.translate("Context", "...") with the text written there, and nothing passed
    through a helper (def _tr(text): return translate("X", text) hides every string given to it,
    which then never reaches the .ts and stays English)."""
    import ast

    hidden = []
    for source in GUI_SOURCES:
        text = Path(source).read_text(encoding="utf-8")
        if "QT_TRANSLATE_NOOP" in text or "QT_TR_NOOP" in text:
            continue  # strings marked where they are written, translated later from a variable
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            text_at = {"tr": 0, "translate": 1}.get(name)
            if text_at is None or len(node.args) <= text_at:
                continue
            args = node.args[: text_at + 1]
            if not all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args):
                hidden.append(f"{Path(source).name}:{node.lineno}: {ast.unparse(node)[:100]}")
            # PySide6's lupdate also drops a translate() whose count is an expression or a keyword
            # (translate("C", "%n faces", None, p.face_count)); a plain name is read (self.tr is fine).
            count = node.args[text_at + 2] if len(node.args) > text_at + 2 else None
            if name == "translate" and (node.keywords or (count is not None and not isinstance(count, ast.Name))):
                hidden.append(f"{Path(source).name}:{node.lineno}: {ast.unparse(node)[:100]} "
                              "(give the count a name first: n = p.face_count)")
    assert not hidden, ("translations lupdate cannot see (write the text in the tr()/translate() call itself; "
                        "QT_TRANSLATE_NOOP('Context', '...') marks a string used later):\n" + "\n".join(hidden))


@pytest.mark.parametrize("language", ["ko", "en"])
def test_every_message_is_translated(language: str) -> None:
    """No empty or unfinished translation, the plural forms the language has, and the same
    placeholders ({name}, %1, %n) as the source, so no number or name goes missing."""
    found = messages(i18n.ts_path(language))
    assert found
    problems = []
    for (ctx, src), m in found.items():
        tr = m.find("translation")
        assert tr is not None
        forms = [f.text or "" for f in tr.iter("numerusform")] if m.get("numerus") == "yes" else [tr.text or ""]
        want_forms = {"ko": 1, "en": 2}[language] if m.get("numerus") == "yes" else 1
        if tr.get("type") in ("unfinished", "vanished", "obsolete"):
            problems.append(f"[{ctx}] {src!r}: {tr.get('type')}")
        elif len(forms) != want_forms or not all(f.strip() for f in forms):
            problems.append(f"[{ctx}] {src!r}: {len(forms)} forms, want {want_forms} non-empty")
        elif any(placeholders(f) != placeholders(src) for f in forms if f != forms[0] or language != "en"):
            problems.append(f"[{ctx}] {src!r}: placeholders {placeholders(src)} but {forms!r}")
        left = {w for f in forms for w in WORD.findall(re.sub(r"\{[a-z_]+\}|%L?\w", " ", f))} - ALLOWED
        if language == "ko" and left and not any(re.search("[\uac00-\ud7a3]", f) for f in forms):
            problems.append(f"[{ctx}] {src!r}: no Korean in {forms!r}")
    assert not problems, "\n".join(problems)


def test_language_setting_resolves() -> None:
    assert i18n.resolve_language("system", "ko") == "ko"
    assert i18n.resolve_language("system", "de") == "en"
    assert i18n.resolve_language("en", "ko") == "en"
    assert i18n.resolve_language("ko", "en") == "ko"


# -- the window under the Korean translation ------------------------------------------------------


@pytest.fixture
def korean(qapp, qsettings_isolated):
    """The Korean translators installed before the window is built, as gui/app.py does. When
    set-up has not compiled the .qm (or the .ts is newer) it is compiled into the (temporary)
    user cache folder."""
    from PySide6.QtCore import QLocale

    assert i18n.install(qapp, "ko") == "ko"
    assert len(i18n._installed) == 2, "photoindex_ko.qm and Qt's qtbase_ko.qm both load"
    assert QLocale().language() == QLocale.Language.Korean
    yield qapp
    i18n.uninstall(qapp)


def _texts(widget: QWidget) -> list[tuple[str, str]]:
    """(where, text) for what a person reads on this widget (itself, not its children)."""
    where = f"{type(widget).__name__}"
    if widget.objectName():
        where += f"#{widget.objectName()}"
    out = [(f"{where} tooltip", widget.toolTip()), (f"{where} whatsThis", widget.whatsThis())]
    if widget.isWindow():
        out.append((f"{where} title", widget.windowTitle()))
    if isinstance(widget, QLabel):
        out.append((where, widget.text()))
    if isinstance(widget, QAbstractButton):
        out.append((where, widget.text()))
    if isinstance(widget, QLineEdit):
        out.append((f"{where} placeholder", widget.placeholderText()))
    if isinstance(widget, QGroupBox):
        out.append((where, widget.title()))
    if isinstance(widget, QComboBox):
        for i in range(widget.count()):
            out.append((f"{where} item", widget.itemText(i)))
            out.append((f"{where} item tooltip", str(widget.itemData(i, Qt.ItemDataRole.ToolTipRole) or "")))
    if isinstance(widget, QAbstractSpinBox):
        out.append((f"{where} special", widget.specialValueText()))
        if isinstance(widget, QSpinBox):
            out += [(f"{where} suffix", widget.suffix()), (f"{where} prefix", widget.prefix())]
    if isinstance(widget, QTabBar):
        for i in range(widget.count()):
            out += [(f"{where} tab", widget.tabText(i)), (f"{where} tab tooltip", widget.tabToolTip(i))]
    if isinstance(widget, QHeaderView) and widget.model() is not None:
        for section in range(widget.count()):
            out.append((f"{where} header", str(widget.model().headerData(
                section, widget.orientation(), Qt.ItemDataRole.DisplayRole) or "")))
    if isinstance(widget, QAbstractItemView) and widget.model() is not None:
        model = widget.model()
        pending = [widget.rootIndex()]
        seen = 0
        while pending and seen < 300:
            parent = pending.pop()
            # a list or table model keeps columnCount / hasChildren private: ask only what it has
            columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(parent)
            for row in range(min(model.rowCount(parent), 100)):
                for col in range(columns):
                    index = model.index(row, col, parent)
                    seen += 1
                    for role, what in ((Qt.ItemDataRole.DisplayRole, "item"), (Qt.ItemDataRole.ToolTipRole, "tip")):
                        value = model.data(index, role)
                        if isinstance(value, str):
                            out.append((f"{where} {what}", value))
                    if col == 0 and isinstance(widget, QTreeView) and model.hasChildren(index):
                        pending.append(index)
    for action in widget.actions():
        if action.isVisible():
            out += [(f"{where} action", action.text()), (f"{where} action tooltip", _own_tip(action))]
            if action.menu() is not None:
                out += _menu_texts(action.menu())
    return out


def _own_tip(action) -> str:
    """An action's tooltip when it is not the default one Qt makes from its text."""
    tip = action.toolTip()
    return "" if tip == action.text().replace("&", "").replace("…", "").replace("...", "") else tip


def _menu_texts(menu: QMenu) -> list[tuple[str, str]]:
    out = [("QMenu title", menu.title())]
    for action in menu.actions():
        if action.isVisible() and not action.isSeparator():
            out += [("QMenu action", action.text()), ("QMenu action tooltip", _own_tip(action))]
            if action.menu() is not None:
                out += _menu_texts(action.menu())
    return out


def visible_texts(top: QWidget) -> list[tuple[str, str]]:
    out = _texts(top)
    for child in top.findChildren(QWidget):
        if child.isVisible():
            out += _texts(child)
    return out


def english_left(text: str, user_data: list[str]) -> list[str]:
    """The English words left in a text once the user's names and paths, markup, numbers and
    identifiers (anything with a digit, an underscore or a dot inside: model tags, file names)
    are taken out."""
    for data in user_data:
        text = text.replace(data, " ")
    text = html.unescape(re.sub(r"<[^>]*>", " ", text)).replace("&", "")
    words = []
    for token in text.split():
        if re.search(r"[\d_]|\w\.\w", token):
            continue
        words += [w for w in WORD.findall(token) if w not in ALLOWED]
    return words


def untranslated(found: list[tuple[str, str]], user_data: list[str]) -> list[str]:
    return sorted({f"{where}: {text!r} ({', '.join(words)})" for where, text in found
                   if text and (words := english_left(text, user_data))})


def _library(root: Path) -> list[Path]:
    """Korean and English names, an exact copy (a duplicate group) and a broken file (a failure)."""
    names = ["바다 여행", "가족 사진", "제주도 일출", "Beach day", "Mountains", "강아지 산책", "서울 야경", "꽃 축제",
             "Camping"]
    paths = [save_jpeg(root / "2019 여름" / f"{name}.jpg", scene(i)) for i, name in enumerate(names)]
    copy = root / "Backup" / "Beach day copy.jpg"
    copy.parent.mkdir(parents=True)
    copy.write_bytes(paths[3].read_bytes())
    (root / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    return [*paths, copy]


def _user_data(root: Path, window) -> list[str]:
    """Paths, folder and file names (with and without the extension), longest first."""
    data = {str(root), str(root.parent)}
    for path in root.rglob("*"):
        data |= {str(path), path.name, path.stem}
    settings = window.library.settings  # the model names are names too
    data |= {str(window.library.settings.library_dir), settings.clip_model, settings.clip_pretrained,
             settings.dino_model, *window.roots}
    return sorted(data, key=len, reverse=True)


@pytest.mark.slow
def test_every_visible_string_is_korean(qtbot, korean, window, tmp_path: Path) -> None:
    from photoindex.gui.main_window import PAGE_DUPLICATES, PAGE_FAILURES, PAGE_MAP, PAGE_PEOPLE
    from photoindex.gui.settings_dialog import SettingsDialog

    root = tmp_path / "사진"
    _library(root)
    seen: dict[str, list[tuple[str, str]]] = {"welcome": visible_texts(window)}  # the first start
    window.add_folder(str(root))
    qtbot.waitUntil(lambda: window.worker is not None and window.worker.isFinished(), timeout=WAIT)
    qtbot.waitUntil(lambda: len(window.model.items) >= 10, timeout=WAIT)
    data = _user_data(root, window)

    # The grid after a search, with its count, chips, status bar and the context menu.
    window.relevant_only.setChecked(False)
    window.search.setText("바다")
    window.run_search(force=True)
    qtbot.waitUntil(lambda: window.results_token == window._query_token, timeout=WAIT)
    qtbot.wait(200)
    seen["main window (search)"] = visible_texts(window) + [("status bar", window.statusBar().currentMessage())]
    first = window.model.items[0].photo_id
    seen["context menu"] = _menu_texts(window.show_context_menu(first, QPoint(0, 0)))
    window.grid.selectAll()
    seen["context menu (many)"] = _menu_texts(window.show_context_menu(first, QPoint(0, 0)))
    window.grid.clearSelection()

    # The preview.
    preview = window.open_preview(first)
    qtbot.wait(500)
    seen["preview"] = visible_texts(preview)
    preview.close()

    # People (named and unnamed, made off the GUI thread) with a person's faces and both menus.
    from concurrent.futures import ThreadPoolExecutor

    from tests.gui.screenshot_ko import add_people

    ids = sorted(it.photo_id for it in window.model.items)
    with ThreadPoolExecutor(1) as maker:
        maker.submit(add_people, window.library, ids).result()
    window.show_page(PAGE_PEOPLE)
    people = window.pages.currentWidget()
    qtbot.waitUntil(lambda: people.model.rowCount() == 3, timeout=WAIT)
    people.view.setCurrentIndex(people.model.index(0, 0))
    qtbot.waitUntil(lambda: people.faces_model.rowCount() > 0, timeout=WAIT)
    qtbot.wait(300)
    seen["People"] = visible_texts(people)
    seen["People menus"] = (_menu_texts(people.person_menu(people.model.index(0, 0)))
                            + _menu_texts(people.face_menu(people.faces_model.index(0, 0))))
    data += ["민지", "Daniel 박"]
    window.show_page(PAGE_MAP)
    map_view = window.pages.currentWidget()
    qtbot.waitUntil(lambda: len(map_view.canvas.ids) >= 10 and map_view.worker is None and not map_view.loading,
                    timeout=WAIT)
    seen["Map"] = visible_texts(map_view)
    window.show_failures()
    qtbot.waitUntil(lambda: window.failures.table.rowCount() == 1, timeout=WAIT)
    seen["failures"] = visible_texts(window.pages.widget(PAGE_FAILURES))

    # Duplicates: the exact copy's group side by side, and the confirmation (Qt's own buttons).
    window.show_page(PAGE_DUPLICATES)
    dup = window.pages.currentWidget()
    qtbot.waitUntil(lambda: len(dup.cards) == 2, timeout=WAIT)
    qtbot.wait(300)
    seen["Duplicates"] = visible_texts(dup)
    box = dup.ask_trash_group()
    assert isinstance(box, QMessageBox)
    seen["Duplicates confirmation"] = visible_texts(box) + [("message", box.informativeText())]
    assert any(b.text() == "취소" for b in box.buttons()), "Qt's own Cancel button comes from qtbase_ko"
    box.reject()

    # Settings, with Qt's OK/Cancel.
    dialog = SettingsDialog(window.library, 180, window, roots=window.roots)
    qtbot.addWidget(dialog)
    dialog.show()
    seen["Settings"] = visible_texts(dialog)
    assert {"확인", "취소"} <= {b.text().replace("&", "") for b in dialog.findChildren(QAbstractButton)}
    dialog.reject()
    window.show_page(0)

    counts = {name: len([t for _, t in found if t]) for name, found in seen.items()}
    assert all(counts.values()), f"every view shows some text: {counts}"
    problems = [f"{name} → {line}" for name, found in seen.items() for line in untranslated(found, data)]
    assert not problems, (f"{len(problems)} strings shown in English under the Korean translation (wrap them in "
                          "tr() and/or translate them in photoindex_ko.ts):\n" + "\n".join(problems))


def test_the_walk_sees_english(qtbot, qapp) -> None:
    """The walk is not blind: an English label, tooltip, menu and combo item are reported, and
    names, paths, numbers and model tags are not."""
    w = QWidget()
    qtbot.addWidget(w)
    label = QLabel("Photo folders", w)
    label.setToolTip("여름 사진 1,234장")
    combo = QComboBox(w)
    combo.addItems(["xlm-roberta-base-ViT-B-32 · laion5b_s13b_b90k", "Fast"])
    w.addAction("Open")
    w.show()
    data = ["/home/민지/Beach day", "Beach day"]
    found = visible_texts(w) + [("path", "사진: /home/민지/Beach day/IMG_1005.JPG")]
    problems = untranslated(found, data)
    assert len(problems) == 3, problems
    assert any("Photo folders" in p for p in problems) and any("'Fast'" in p for p in problems)
    assert any("'Open'" in p for p in problems)


def test_qt_standard_buttons_are_korean(korean) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    texts = {b.text().replace("&", "") for b in box.buttons()}
    assert texts == {"확인", "취소"}, texts
    box.deleteLater()


def test_english_plurals(qapp, qsettings_isolated) -> None:
    """English counts come from the plural-only catalog: '1 file', '2 files', digits grouped."""
    from PySide6.QtCore import QCoreApplication

    assert i18n.install(qapp, "en") == "en"
    try:
        one = QCoreApplication.translate("FailuresPanel", "%Ln files could not be read", "", 1)
        many = QCoreApplication.translate("FailuresPanel", "%Ln files could not be read", "", 1234)
    finally:
        i18n.uninstall(qapp)
    assert (one, many) == ("1 file could not be read", "1,234 files could not be read")


@pytest.mark.skipif(shutil.which("pyside6-lrelease") is None and i18n.lrelease_command() is None,
                    reason="pyside6-lrelease ships with PySide6")
def test_a_checkout_without_set_up_compiles_the_translation(tmp_path: Path, monkeypatch, qsettings_isolated) -> None:
    """No .qm beside the .ts (set-up has not run): the window compiles one into the cache folder."""
    ts = tmp_path / "translations" / "photoindex_ko.ts"
    ts.parent.mkdir()
    shutil.copy(i18n.ts_path("ko"), ts)
    monkeypatch.setattr(i18n, "TRANSLATIONS_DIR", ts.parent)
    qm = i18n.compiled_catalog("ko")
    assert qm is not None and qm.exists() and qm.parent != ts.parent and qm.stat().st_size > 1000
    assert i18n.compiled_catalog("ko") == qm, "compiled once, then reused"
    assert QApplication.instance() is not None


@pytest.mark.xvfb
@pytest.mark.slow
@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs xvfb-run (Debian xvfb)")
def test_korean_screenshots(tmp_path: Path) -> None:
    """The real window under Xvfb with LANG=ko_KR.UTF-8 (the language from the system locale, as a
    Korean desktop gives it): the grid, a search, People, the Map, Duplicates, the failures and
    Settings saved under .test-artifacts/ko/ for a person to look at."""
    import os

    out = PROJECT / ".test-artifacts" / "ko"
    out.mkdir(parents=True, exist_ok=True)
    shots = ["browse", "search", "people", "map", "duplicates", "failures", "settings"]
    for name in shots:
        (out / f"ko-{name}.png").unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "LANGUAGE", "LC_MESSAGES")}
    env.update(LANG="ko_KR.UTF-8", LC_ALL="ko_KR.UTF-8")
    proc = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1400x900x24", sys.executable, "-m", "tests.gui.screenshot_ko",
         str(out), str(tmp_path)],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=400,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    from PIL import Image

    for name in shots:
        img = Image.open(out / f"ko-{name}.png").convert("RGB")
        assert img.size[0] >= 400 and img.size[1] >= 400, name
        assert len(img.getcolors(1 << 20) or []) > 200, f"ko-{name}.png is blank"


def test_settings_dialog_saves_the_language(qtbot, tmp_path: Path, monkeypatch, qsettings_isolated) -> None:
    """Settings offers System, English and 한국어 (each language named in itself), says it applies
    on restart, and writes `language` to the settings file the next start reads."""
    from photoindex.config import resolve_settings
    from photoindex.core.library import Library
    from photoindex.gui.settings_dialog import SettingsDialog

    monkeypatch.setenv("PHOTOINDEX_CONFIG", str(tmp_path / "settings.toml"))
    monkeypatch.setenv("PHOTOINDEX_HOME", str(tmp_path / "library"))
    monkeypatch.delenv("PHOTOINDEX_LANGUAGE", raising=False)
    library = Library(resolve_settings())
    try:
        dialog = SettingsDialog(library, 180, roots=[])
        qtbot.addWidget(dialog)
        assert [dialog.language.itemData(i) for i in range(dialog.language.count())] == ["system", "en", "ko"]
        assert [dialog.language.itemText(i) for i in (1, 2)] == ["English", "한국어"]
        assert dialog.language.currentData() == "system"
        assert "next time photoindex starts" in " ".join(label.text() for label in dialog.findChildren(QLabel))
        dialog.language.setCurrentIndex(dialog.language.findData("ko"))
        assert dialog.changes() == {"language": "ko"}, "only what the user changed is written"
        assert dialog.save()
    finally:
        library.close()
    settings = resolve_settings()
    assert (settings.language, settings.source("language")) == ("ko", "file")
    assert i18n.resolve_language(settings.language, "en") == "ko"
    monkeypatch.setenv("PHOTOINDEX_LANGUAGE", "en")  # the environment still wins, as for every setting
    assert resolve_settings().language == "en"
