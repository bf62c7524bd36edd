"""`octo`, the command line: every endpoint of the spec from the terminal.

A separate package from `octo` so that help, argument parsing and completion
never import the library (and `requests`); see `octo_cli.metadata`.
"""

from octo_cli.main import main

__all__ = ["main"]
