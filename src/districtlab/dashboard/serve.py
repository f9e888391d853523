"""``python -m districtlab.dashboard.serve run APP [options]``: Streamlit's command line, with no outgoing request.

Streamlit looks up the machine's external IP address (an HTTP request to a
public "what is my IP" service) when it serves on every interface in headless
mode, to print an "External URL", and again to check a browser's origin. The
policy lab promises to fetch nothing, and no option turns the lookup off, so
this launcher fills Streamlit's cache of that address with an empty answer
before Streamlit starts: the lookup is never made, no "External URL" is
printed, and origins are still checked against localhost, the address the lab
was bound to and the machine's own interfaces. Usage statistics are off by
option (``--browser.gatherUsageStats false``, see :func:`districtlab.cli.lab.streamlit_command`).
"""

from __future__ import annotations

import sys


def switch_off_external_lookups() -> None:
    """Make Streamlit's external-IP lookup answer "unknown" without a request."""
    from streamlit import net_util

    net_util._external_ip = ""  # not None: Streamlit takes it as already looked up


def main() -> None:
    switch_off_external_lookups()
    from streamlit.web.cli import main as streamlit_main

    sys.argv[0] = "streamlit"
    streamlit_main()


if __name__ == "__main__":
    main()
