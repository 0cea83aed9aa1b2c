"""photoindex: find any photo on your own computer by what it shows."""

__version__ = "0.1.0"
