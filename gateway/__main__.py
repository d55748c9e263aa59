"""``python -m gateway`` is the ``fedgate`` command."""

import sys

from .cli import main

sys.exit(main())
