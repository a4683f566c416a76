"""`python -m ui [--host H] [--port P]`: the same as `rag serve`, without the rest of the
`rag` command (both start the app through `ui.serving`)."""

import sys

import typer

from rag.command_line import SERVE_HELP, HostOpt, PortOpt, start
from ui.serving import serve

# A group of one command, run as `serve`: the settings are read before the options are
# parsed and the usage line reads `python -m ui serve`, as `rag serve` does.
app = typer.Typer(add_completion=False)


@app.callback()
def settings(ctx: typer.Context) -> None:
    ctx.obj = start()


@app.command(name="serve", help=SERVE_HELP)
def serve_command(ctx: typer.Context, host: HostOpt = "127.0.0.1", port: PortOpt = 7860) -> None:
    serve(ctx.obj, host, port)


app(["serve", *sys.argv[1:]], prog_name="python -m ui")
