"""The ``magesoap`` command line (see ``magesoap --help``)."""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from ._version import __version__

    print(f"magesoap {__version__}: the command line is not built yet.", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
