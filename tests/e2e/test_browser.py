"""The policy lab in a real browser: start it as `districtlab lab` does, drive Debian's chromium, compare, stop.

Chromium comes from Debian (`.ci/run` installs it); Playwright's Python package
only drives it (no `playwright install`, nothing downloaded). Without
/usr/bin/chromium the test is skipped, unless DISTRICTLAB_REQUIRE_BROWSER=1
(set in CI), where a missing browser fails it.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from districtlab.cli.lab import streamlit_command

CHROMIUM = Path("/usr/bin/chromium")
#: The committed screenshot; the test writes to it only when asked (DISTRICTLAB_UPDATE_SCREENSHOTS=1),
#: so that running the suite leaves the working tree as it was.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
COMMITTED_SCREENSHOT = SCREENSHOTS / "compare.png"
CHROMIUM_ARGS = [
    "--no-sandbox",  # Chromium refuses to run as root with its sandbox
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_health(url: str, process: subprocess.Popen[bytes], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"the lab did not answer on {url} within {timeout:.0f} s")


@pytest.fixture(scope="module")
def sessions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The lab's session files go to a temporary folder, never the user's data folder."""
    return tmp_path_factory.mktemp("sessions")


@pytest.fixture(scope="module")
def lab_url(tmp_path_factory: pytest.TempPathFactory, sessions: Path) -> Iterator[str]:
    """The lab served on a free localhost port, exactly as `districtlab lab` starts it."""
    if not CHROMIUM.exists():
        if os.environ.get("DISTRICTLAB_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    port = _free_port()
    log = tmp_path_factory.mktemp("lab") / "streamlit.log"
    environment = {
        **os.environ,
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "DISTRICTLAB_SESSION_DIR": str(sessions),
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            streamlit_command(port, "127.0.0.1"), stdout=output, stderr=subprocess.STDOUT, env=environment
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_health(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def compare_in_browser(page, url: str, district: str, replications: int | None) -> float:  # type: ignore[no-untyped-def]
    """Open the lab, choose ``district``, run place-based vs generic; seconds from opening to the result.

    ``replications=None`` keeps the page's default; otherwise the slider is
    moved to its minimum and stepped up with the keyboard, as a person would.
    """
    started = time.perf_counter()
    page.goto(url)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stSelectbox").nth(1).click()  # the first is the language
    page.get_by_role("option", name=district).click()
    page.get_by_role("heading", name=district).first.wait_for(timeout=60_000)  # the District page follows
    sidebar.get_by_role("link", name="Compare", exact=True).click()
    run = page.get_by_role("button", name="Run comparison")
    run.wait_for(timeout=60_000)
    if replications is not None:
        set_replications(page, replications)
    run.click()
    run.wait_for(state="detached", timeout=240_000)  # the page redraws without it once every run is done
    page.get_by_text("paired replications").first.wait_for(timeout=60_000)
    page.get_by_test_id("stTable").first.wait_for(timeout=60_000)
    page.get_by_test_id("stImage").nth(1).wait_for(timeout=60_000)
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=60_000)
    return time.perf_counter() - started


def set_replications(page, replications: int) -> None:  # type: ignore[no-untyped-def]
    """Move the Replications slider to its minimum and step it up with the keyboard, as a person would;
    return once the slider shows ``replications`` and the lab has finished the run that the change started."""
    from playwright.sync_api import expect

    thumb = page.get_by_role("slider").first
    thumb.focus()
    thumb.press("Home")
    for _ in range(replications - 2):
        thumb.press("ArrowRight")
    expect(page.get_by_test_id("stSliderThumbValue").first).to_have_text(str(replications), timeout=10_000)
    _settle(page)  # the slider sends its value after a short pause; the page then runs once with it
    expect(page.get_by_test_id("stSliderThumbValue").first).to_have_text(str(replications))


def stop_a_long_comparison(page) -> str:  # type: ignore[no-untyped-def]
    """Start a 100-replication comparison, stop it after a few runs; the page's text afterwards."""
    thumb = page.get_by_role("slider").first
    thumb.focus()
    thumb.press("End")
    run = page.get_by_role("button", name="Run comparison")
    run.click()
    page.get_by_text(re.compile(r"Run \d+ of 300")).wait_for(timeout=60_000)
    # the page's own Stop (Streamlit's toolbar shows another "Stop" while a script runs long)
    page.get_by_test_id("stMainBlockContainer").get_by_role("button", name="Stop").click()
    page.get_by_text("Stopped after").wait_for(timeout=60_000)
    return str(page.get_by_test_id("stMain").inner_text())


def test_a_workshop_compares_place_based_and_generic_in_the_browser(lab_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    update = os.environ.get("DISTRICTLAB_UPDATE_SCREENSHOTS") == "1"
    screenshot = COMMITTED_SCREENSHOT if update else tmp_path / "compare.png"

    district = "Vinalopó footwear (Elche, Elda)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1350})
            seconds = compare_in_browser(page, lab_url, district, replications=4)
            text = page.get_by_test_id("stMain").inner_text()
            navigation = page.get_by_test_id("stSidebar").inner_text()
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True)
            stopped = stop_a_long_comparison(page)
        finally:
            browser.close()
    print(f"time to comparison ({district}, 4 replications): {seconds:.1f} s")
    pages = ["District", "Programme designer", "Compare", "Sensitivity", "Evidence", "Export"]
    assert list(dict.fromkeys(line for line in navigation.splitlines() if line in pages)) == pages
    assert "Seed" in navigation, "the sidebar's shared controls are there on every page"
    assert f"Compare designs: {district}" in text
    assert "Over 4 paired replications" in text
    assert "95% CI" in text
    assert "place-based" in text
    assert "generic" in text
    assert "EUR per additional adopting firm" in text
    assert "Exception" not in text
    assert "Traceback" not in text
    assert screenshot.stat().st_size > 50_000
    assert "Stopped after" in stopped
    assert "Finished runs are kept" in stopped


#: The lab's pages by their navigation titles, in each language, and the file name of their screenshot.
PAGES = {
    "district": {"es": "Distrito", "en": "District"},
    "designer": {"es": "Diseño del programa", "en": "Programme designer"},
    "compare": {"es": "Comparar", "en": "Compare"},
    "sensitivity": {"es": "Sensibilidad", "en": "Sensitivity"},
    "evidence": {"es": "Evidencias", "en": "Evidence"},
    "export": {"es": "Exportar", "en": "Export"},
}
#: Workshop designs: the budget as typed (three ways of writing thousands) and as read back.
WORKSHOP_DESIGNS = {
    "taller A": ("2.000.000", "dos millones de euros al año"),
    "taller B": ("500 000", "quinientos mil euros al año"),
    "taller C": ("1,000,000", "un millón de euros al año"),
}


def _choose(page, index: int, option: str) -> None:  # type: ignore[no-untyped-def]
    """Pick ``option`` in the sidebar's ``index``-th select box (0: language, 1: district)."""
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").nth(index).click()
    page.get_by_role("option", name=option, exact=True).click()


def _open(page, title: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_test_id("stSidebar").get_by_role("link", name=title, exact=True).click()
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=120_000)


def _settle(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_timeout(300)
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=120_000)


def _screenshot(page, path: Path) -> None:  # type: ignore[no-untyped-def]
    """A small PNG of the visible page (reduced to 64 colours: screenshots are committed)."""
    from PIL import Image

    _settle(page)
    page.screenshot(path=str(path))
    with Image.open(path) as image:
        image.convert("RGB").quantize(colors=64).save(path, optimize=True)


def _district_pictures(page, shots: Path, language: str, play: str) -> None:  # type: ignore[no-untyped-def]
    """Screenshots of the District page's network and map; both carry a month slider and a Play button."""
    from PIL import Image

    charts = page.get_by_test_id("stPlotlyChart")
    charts.nth(1).wait_for(timeout=60_000)
    for index, name in enumerate(("network", "map")):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        chart.get_by_text(play).first.wait_for(timeout=60_000)  # plotly drew its controls, offline
        _settle(page)
        path = shots / f"district-{name}-{language}.png"
        chart.screenshot(path=str(path))
        with Image.open(path) as image:
            image.convert("RGB").quantize(colors=64).save(path, optimize=True)
    page.get_by_test_id("stMain").get_by_role("heading").first.scroll_into_view_if_needed()


def test_a_whole_workshop_in_spanish_survives_a_reload(lab_url: str, tmp_path: Path) -> None:
    """Acceptance of issue 12: Spanish, a budget typed the Spanish way, three designs, a verdict over
    all of them, a saved session restored after a reload; screenshots of every page in es and en."""
    from playwright.sync_api import sync_playwright

    update = os.environ.get("DISTRICTLAB_UPDATE_SCREENSHOTS") == "1"
    shots = SCREENSHOTS if update else tmp_path
    district = "Toy Valley (Ibi, Onil, Castalla)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(lab_url)
            page.get_by_role("heading").first.wait_for(timeout=60_000)
            _choose(page, 0, "Español")
            page.get_by_test_id("stSidebar").get_by_role("link", name="Distrito", exact=True).wait_for(
                timeout=60_000
            )
            _choose(page, 1, district)
            page.get_by_role("heading", name=district).first.wait_for(timeout=60_000)

            _open(page, "Diseño del programa")
            page.get_by_text("Calcular una vista previa").click()  # no preview: the Compare page answers
            _settle(page)
            totals = []
            for name, (budget, words) in WORKSHOP_DESIGNS.items():
                field = page.get_by_role("textbox", name="Presupuesto (euros al año)")
                field.fill(budget)
                field.press("Enter")
                page.get_by_text(words, exact=True).wait_for(timeout=60_000)  # read back in words
                _settle(page)
                totals.append(page.get_by_test_id("stMetric").first.inner_text())
                design_name = page.get_by_role("textbox", name="Nombre", exact=True)
                design_name.fill(name)
                design_name.press("Enter")
                _settle(page)
                page.get_by_role("button", name="Añadir a la comparación").click()
                page.get_by_text(f"«{name}» ya está en la página Comparar.").wait_for(timeout=60_000)
            assert "EUR 6.000.000" in totals[0], totals  # three years of two million: never "EUR 6"
            assert "EUR 1.500.000" in totals[1], totals

            _open(page, "Comparar")
            page.get_by_role("heading", name="Comparar diseños").first.wait_for(timeout=60_000)
            set_replications(page, 3)
            started = time.perf_counter()
            run = page.get_by_role("button", name="Calcular la comparación")
            run.wait_for(timeout=60_000)
            run.click()
            run.wait_for(state="detached", timeout=300_000)
            page.get_by_text("Veredicto sobre todos los diseños").wait_for(timeout=60_000)
            page.get_by_test_id("stImage").nth(1).wait_for(timeout=60_000)
            _settle(page)
            seconds = time.perf_counter() - started
            compared = page.get_by_test_id("stMain").inner_text()
            verdict = page.get_by_test_id("stMain").get_by_test_id("stAlert").first.inner_text()

            for key, titles in PAGES.items():
                _open(page, titles["es"])
                _screenshot(page, shots / f"{key}-es.png")
                if key == "district":
                    _district_pictures(page, shots, "es", "Reproducir")
            _open(page, "Comparar")

            page.get_by_test_id("stSidebar").get_by_text("Sesión del taller", exact=True).click()
            page.get_by_role("button", name="Guardar la sesión").click()
            page.get_by_text(re.compile(r"Guardados 3 diseño\(s\) y 1 comparación")).wait_for(timeout=60_000)

            page.reload()  # everything in the browser's session is gone
            page.get_by_role("heading").first.wait_for(timeout=60_000)
            page.get_by_test_id("stSidebar").get_by_text("Workshop session", exact=True).click()
            page.get_by_role("button", name="Restore session").click()
            page.get_by_text(re.compile(r"Recuperados 3 diseño\(s\) y 1 comparación")).wait_for(
                timeout=60_000
            )
            _open(page, "Comparar")
            page.get_by_text("Veredicto sobre todos los diseños").wait_for(timeout=60_000)
            restored = page.get_by_test_id("stMain").inner_text()
            restored_verdict = page.get_by_test_id("stMain").get_by_test_id("stAlert").first.inner_text()
            rerun_offered = page.get_by_role("button", name="Calcular la comparación").count()

            _choose(page, 0, "English")
            page.get_by_test_id("stSidebar").get_by_role("link", name="District", exact=True).wait_for(
                timeout=60_000
            )
            for key, titles in PAGES.items():
                _open(page, titles["en"])
                _screenshot(page, shots / f"{key}-en.png")
                if key == "district":
                    _district_pictures(page, shots, "en", "Play")
            english = page.get_by_test_id("stMain").inner_text()
        finally:
            browser.close()
    print(
        f"time to a rendered comparison ({district}, 5 designs + no programme, 3 replications): {seconds:.1f} s"
    )
    assert "Comparar diseños" in compared
    assert "En 3 réplicas emparejadas" in verdict
    for name in WORKSHOP_DESIGNS:
        assert name in verdict, f"the verdict ranks {name}"
    assert re.search(r"1\. .*2\. .*3\. .*4\. .*5\. ", verdict.replace("\n", " ")), verdict
    assert "Presupuesto sin gastar (euros)" in compared
    assert "Por qué: de dónde obtuvieron el conocimiento" in compared
    assert restored_verdict == verdict, "the restored session shows the same results"
    assert rerun_offered == 0, "no run needed after restoring"
    assert all(name in restored for name in WORKSHOP_DESIGNS)
    assert "Export" in english
    for text in (compared, restored, english):
        assert "Traceback" not in text
    for key in PAGES:
        for language in ("es", "en"):
            assert (shots / f"{key}-{language}.png").stat().st_size > 10_000
