"""`districtlab lab`: start the policy lab (a Streamlit app) on this computer."""

from __future__ import annotations

import ipaddress
import os
import sys
from importlib.util import find_spec
from typing import Annotated

import typer

from districtlab.cli.common import _, chosen_language, console, error_console, fail
from districtlab.i18n import LANGUAGE_ENV, LANGUAGES, checked_language

#: Okabe-Ito blue, the palette's first colour, for the app's widgets (Streamlit's default is red).
PRIMARY_COLOUR = "#0072B2"


def streamlit_command(port: int, address: str) -> list[str]:
    """The ``streamlit run`` command line of the policy lab: headless, no usage statistics, no developer menu.

    It runs Streamlit through :mod:`districtlab.dashboard.serve`, which stops its
    external-IP lookup: the lab makes no outgoing request.
    """
    from districtlab.dashboard import APP

    return [
        sys.executable,
        "-m",
        "districtlab.dashboard.serve",
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


def checked_address(address: str) -> str:
    """``address`` if it is an IP address or ``localhost``; one-line error otherwise (e.g. ``300.1.1.1``)."""
    text = address.strip()
    if text.lower() == "localhost":
        return "localhost"
    try:
        return str(ipaddress.ip_address(text.strip("[]")))
    except ValueError:
        fail(
            _(
                "--address {address}: not an IP address (use 127.0.0.1 for this computer only, 0.0.0.0 for "
                "every interface)"
            ).format(address=repr(address))
        )


def exposure_warning(address: str) -> str | None:
    """What binding to ``address`` exposes, or None when only this computer can reach the lab."""
    if address == "localhost" or ipaddress.ip_address(address).is_loopback:
        return None
    reach = (
        _("every network this computer is on")
        if ipaddress.ip_address(address).is_unspecified
        else _("anyone who can reach {address}").format(address=address)
    )
    return _(
        "warning: the lab will be reachable from {reach}, with no authentication: anyone who reaches it can "
        "run simulations on this computer and see the designs and evidence loaded in it. "
        "Use --address 127.0.0.1 unless you mean to share it on a trusted network."
    ).format(reach=reach)


def lab(
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to serve on.")] = 8501,
    address: Annotated[
        str,
        typer.Option(
            help="Address to bind; the default serves this computer only (anything else prints a warning)."
        ),
    ] = "127.0.0.1",
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help="Language the lab opens in: es (Español), ca (Valencià) or en (English); switchable in it "
            "(default: the command line's --lang or $DISTRICTLAB_LANG, else English).",
        ),
    ] = None,
) -> None:
    """Start the policy lab: explore a district, design a programme, compare designs (a local web app)."""
    address = checked_address(address)
    language = chosen_language()
    if lang is not None:  # `districtlab lab --lang X` is read by the main command; this is a direct call
        try:
            language = checked_language(lang.strip().lower())
        except ValueError:
            fail(
                _("{option} {value}: choose one of {choices}").format(
                    option="--lang", value=repr(lang), choices=", ".join(LANGUAGES)
                )
            )
    if find_spec("streamlit") is None:
        fail(_("the policy lab needs Streamlit: pip install -e '.[lab]' in a clone, or make lab"))
    warning = exposure_warning(address)
    if warning is not None:
        error_console.print(warning, markup=False)
    shown = f"[{address}]" if ":" in address else address
    console.print(_("policy lab: {url} (Ctrl+C stops it)").format(url=f"http://{shown}:{port}"))
    os.environ["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
    os.environ[LANGUAGE_ENV] = language
    command = streamlit_command(port, address)
    # Become the Streamlit server rather than wait for it: a signal that stops `districtlab lab`
    # (Ctrl+C, a terminal closing, a supervisor's SIGTERM) then stops the server, never orphaning it.
    sys.stdout.flush()
    os.execv(command[0], command)
