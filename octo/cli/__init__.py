"""`octo`, the command line: every endpoint of the spec from the terminal.

Help, argument parsing and completion read only the generated metadata of the
one namespace they need (see `octo.cli.metadata`), never a generated module.
"""

from octo.cli.main import main

__all__ = ["main"]
