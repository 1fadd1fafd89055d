"""``python -m magesoap``: the command line."""
from .cli import main

raise SystemExit(main())
