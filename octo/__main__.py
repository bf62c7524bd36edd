"""`python -m octo`: the `octo` command line (see `octo --help`)."""

import sys

from octo.cli import main

sys.exit(main())
