"""Allow ``python3 -m textstats FILE``."""

from textstats.cli import main

raise SystemExit(main())
