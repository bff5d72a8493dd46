import sys

from rules_core.cli import main

sys.exit(main())
