"""The version of octo: the package metadata, `octo --version` and the User-Agent read it."""

__version__ = "0.1.0"
