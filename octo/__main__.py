"""`python -m octo`: the `octo` command line (see `octo --help`)."""

import sys

from octo_cli import main

sys.exit(main())
