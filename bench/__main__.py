"""python -m bench: see bench/search_bench.py."""

import sys

from bench.search_bench import main

sys.exit(main())
