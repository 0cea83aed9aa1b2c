"""photoindex: find any photo on your own computer by what it shows."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """`__version__`, read when first asked for: importlib.metadata costs ~65 ms to import, which
    the window's start (it logs the version after it has shown) need not wait for."""
    if name != "__version__":
        raise AttributeError(f"module 'photoindex' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        # One version string: pyproject.toml's, read from the installed package's metadata (the
        # wheel, an editable install and the PyInstaller bundle, which copies it, all carry it).
        found = version("photoindex")
    except PackageNotFoundError:  # a source tree put on sys.path without installing it
        found = "0+unknown"
    globals()["__version__"] = found
    return found
