"""`python -m ui [--host H] [--port P]`: the same as `rag serve`."""

import sys

from rag.cli import app

app(["serve", *sys.argv[1:]], prog_name="python -m ui")
