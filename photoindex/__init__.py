"""photoindex: find any photo on your own computer by what it shows."""

from importlib.metadata import PackageNotFoundError, version

try:
    # One version string: pyproject.toml's, read from the installed package's metadata (the wheel,
    # an editable install and the PyInstaller bundle, which copies the metadata, all carry it).
    __version__ = version("photoindex")
except PackageNotFoundError:  # a source tree put on sys.path without installing it
    __version__ = "0+unknown"
