"""The PySide6 desktop app: a thin layer over photoindex.core.library.Library."""
