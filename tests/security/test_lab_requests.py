"""The policy lab makes no outgoing request: Streamlit's external-IP lookup is answered without one."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from districtlab.cli.lab import exposure_warning, streamlit_command


def test_the_external_ip_lookup_makes_no_request() -> None:
    script = textwrap.dedent("""
        import requests
        def refuse(*args, **kwargs):
            raise SystemExit("an outgoing request: " + repr(args))
        requests.get = refuse
        from districtlab.dashboard.serve import switch_off_external_lookups
        switch_off_external_lookups()
        from streamlit import net_util
        from streamlit.web.server import server_util
        assert not net_util.get_external_ip()
        assert not server_util.is_url_from_allowed_origins("http://198.51.100.7:8501")
        print("no request")
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "no request" in result.stdout


def test_the_lab_runs_through_the_launcher_with_usage_statistics_off() -> None:
    command = streamlit_command(8501, "0.0.0.0")
    assert command[1:3] == ["-m", "districtlab.dashboard.serve"]
    options = dict(zip(command[5::2], command[6::2], strict=True))
    assert options["--browser.gatherUsageStats"] == "false"
    assert options["--server.headless"] == "true"


def test_the_warning_says_who_can_reach_the_lab() -> None:
    assert exposure_warning("127.0.0.1") is None
    assert exposure_warning("localhost") is None
    assert "every network" in (exposure_warning("0.0.0.0") or "")
    assert "anyone who can reach 192.0.2.10" in (exposure_warning("192.0.2.10") or "")
