"""`districtlab lab`: start the policy lab (a Streamlit app) on this computer."""

from __future__ import annotations

import os
import sys
from importlib.util import find_spec
from typing import Annotated

import typer

from districtlab.cli.common import console, fail

#: Okabe-Ito blue, the palette's first colour, for the app's widgets (Streamlit's default is red).
PRIMARY_COLOUR = "#0072B2"


def streamlit_command(port: int, address: str) -> list[str]:
    """The ``streamlit run`` command line of the policy lab: headless, no usage statistics, no developer menu."""
    from districtlab.dashboard import APP

    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.address",
        address,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "viewer",  # no developer menu, no "Deploy" button in a workshop
        "--theme.primaryColor",
        PRIMARY_COLOUR,
    ]


def lab(
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to serve on.")] = 8501,
    address: Annotated[
        str, typer.Option(help="Address to bind; the default serves this computer only.")
    ] = "127.0.0.1",
) -> None:
    """Start the policy lab: explore a district, design a programme, compare designs (a local web app)."""
    if find_spec("streamlit") is None:
        fail("the policy lab needs Streamlit: pip install 'districtlab[lab]' (or run make lab)")
    console.print(f"policy lab: http://{address}:{port} (Ctrl+C stops it)")
    os.environ["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
    command = streamlit_command(port, address)
    # Become the Streamlit server rather than wait for it: a signal that stops `districtlab lab`
    # (Ctrl+C, a terminal closing, a supervisor's SIGTERM) then stops the server, never orphaning it.
    sys.stdout.flush()
    os.execv(command[0], command)
