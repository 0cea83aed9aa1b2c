"""The window's language: which translation to load, chosen once before any window is built.

The `language` setting (config.py: argv > environment > settings file > default) is 'system',
'en' or 'ko'. 'system' follows QLocale.system() (LANG=ko_KR.UTF-8 on Linux). For Korean two
QTranslators are installed: photoindex's own (resources/translations/photoindex_ko.qm, compiled
from the Qt Linguist .ts by scripts/build_translations.sh at set-up) and Qt's own qtbase_ko.qm
from PySide6, which translates the standard buttons (OK/Cancel) and dialogs. QLocale.setDefault
makes every QLocale() in the window format dates and numbers for that language.

The strings themselves are marked with self.tr() / QCoreApplication.translate in gui/*.py;
`pyside6-lupdate` collects them into the .ts (tests/gui/test_translation.py checks it is current).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtCore import QCoreApplication, QTranslator

log = logging.getLogger(__name__)

LANGUAGES = ("system", "en", "ko")
"""The values of the `language` setting."""
TRANSLATED = ("en", "ko")
"""Languages with a photoindex catalog; any other language shows English. English's
(photoindex_en.ts) holds only the plural forms ("%n photos": "1 photo", "2 photos"), as Qt's
own English catalogs do; the source text is English already."""
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "resources" / "translations"
CATALOG = "photoindex"
"""The translation files are photoindex_<lang>.ts / .qm."""

_installed: list[QTranslator] = []
"""The translators in use: QCoreApplication does not keep them alive."""


def ts_path(language: str) -> Path:
    return TRANSLATIONS_DIR / f"{CATALOG}_{language}.ts"


def qm_path(language: str) -> Path:
    return TRANSLATIONS_DIR / f"{CATALOG}_{language}.qm"


def resolve_language(setting: str, system_language: str | None = None) -> str:
    """'en' or a language in TRANSLATED for a `language` setting. `system_language` is the
    system locale's two-letter language (default: QLocale.system()'s)."""
    if setting != "system":
        return setting if setting in TRANSLATED else "en"
    if system_language is None:
        from PySide6.QtCore import QLocale

        system_language = QLocale.system().name().split("_")[0]
    return system_language if system_language in TRANSLATED else "en"


def lrelease_command() -> str | None:
    """pyside6-lrelease next to this Python (the venv's bin folder), else on PATH."""
    here = Path(sys.executable).parent / "pyside6-lrelease"
    if here.exists():
        return str(here)
    return shutil.which("pyside6-lrelease")


def compiled_catalog(language: str) -> Path | None:
    """The .qm for `language`: the one set-up compiled next to the .ts, or, when that is missing
    or older than the .ts (a checkout where set-up has not run since the .ts changed), one
    compiled now into the user cache folder. None if there is no translation to load."""
    qm, ts = qm_path(language), ts_path(language)
    if qm.exists() and (not ts.exists() or qm.stat().st_mtime >= ts.stat().st_mtime):
        return qm
    if not ts.exists():
        return None
    from photoindex.config import default_cache_dir

    cached = default_cache_dir() / "translations" / qm.name
    if cached.exists() and cached.stat().st_mtime >= ts.stat().st_mtime:
        return cached
    tool = lrelease_command()
    if tool is None:
        log.warning("%s is missing and pyside6-lrelease was not found: the window stays in English", qm)
        return qm if qm.exists() else None
    cached.parent.mkdir(parents=True, exist_ok=True)
    # lrelease writes the .qm itself; a temp name then os.replace keeps a reader from a half file.
    partial = cached.with_name(f".{cached.name}.{os.getpid()}")
    try:
        subprocess.run([tool, "-silent", str(ts), "-qm", str(partial)], check=True,
                       capture_output=True, timeout=60)
        os.replace(partial, cached)
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("compiling %s failed (%s): the window stays in English", ts, exc)
        partial.unlink(missing_ok=True)
        return qm if qm.exists() else None
    log.info("compiled %s into %s (set-up had not built it)", ts.name, cached)
    return cached


def qt_translations_dir() -> str:
    from PySide6.QtCore import QLibraryInfo

    return QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)


def install(app: QCoreApplication, setting: str = "system") -> str:
    """Install the translators for the `language` setting and make QLocale() that language.
    Returns the language in use ('en' or 'ko'). Call before any window is built."""
    from PySide6.QtCore import QLocale, QTranslator

    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    language = resolve_language(setting)
    system = QLocale.system()
    if system.name().split("_")[0] == language:
        QLocale.setDefault(system)  # keep the system's territory (ko_KR, en_GB, ...)
    else:
        QLocale.setDefault(QLocale(language))
    catalogs: list[tuple[Path | None, str]] = [(compiled_catalog(language), "photoindex")]
    if language != "en":  # Qt's own strings are English already
        catalogs.append((Path(qt_translations_dir()) / f"qtbase_{language}.qm", "Qt"))
    for path, what in catalogs:
        translator = QTranslator(app)
        if path is not None and translator.load(str(path)):
            app.installTranslator(translator)
            _installed.append(translator)
        else:
            log.warning("no %s translation for %r loaded (%s)", what, language, path)
    return language


def uninstall(app: QCoreApplication) -> None:
    """Remove the translators (tests that switch language)."""
    from PySide6.QtCore import QLocale

    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    QLocale.setDefault(QLocale.system())
