"""The office's HTML report opened in a real browser (Debian's headless chromium): it loads with
no console error, offline, every chart is drawn, and a screenshot is kept in results/."""
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.report import render
from bot.report.figures import compute
from bot.storage.database import Database
from tests.report_seed import HOURS, NOW, SINCE, UNTIL, seed

ROOT = Path(__file__).resolve().parent.parent
ARTEFACTS = ROOT / "results"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
         "--disable-extensions", "--disable-sync", "--mute-audio"]


@pytest.fixture(scope="module")
def chromium():
    binary = shutil.which("chromium")
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is required under CI=true (make test installs it with apt-get)")
        pytest.skip("chromium is not installed (apt-get install chromium, or run make test as root)")
    return binary


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    database = seed(Database(f"sqlite:///{folder / 'analytics.db'}").migrate())
    path = folder / "report.html"
    path.write_text(render.html_page(compute(database, SINCE, UNTIL, HOURS, now=NOW), "fr"), encoding="utf-8")
    database.close()
    return path


def run_chromium(binary, *args, tmp_path):
    profile = tmp_path / "profile"
    return subprocess.run([binary, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True,
                          timeout=120)


def test_the_report_opens_offline_with_no_console_error_and_every_chart(chromium, page, tmp_path):
    result = run_chromium(chromium, "--enable-logging=stderr", "--v=0", "--virtual-time-budget=3000",
                          "--dump-dom", page.as_uri(), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    console = [line for line in result.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == []
    dom = result.stdout
    for chart in render.CHARTS:
        assert re.search(rf'<figure id="chart-{chart}" class="chart"><svg', dom), chart
    assert not re.search(r'(src|href)="https?://', dom)  # nothing fetched from outside
    assert "Assistant mobilité — rapport du bureau" in dom


def test_a_screenshot_of_the_report_is_kept_as_a_test_artefact(chromium, page, tmp_path):
    ARTEFACTS.mkdir(exist_ok=True)
    shot = ARTEFACTS / "report-screenshot.png"
    shot.unlink(missing_ok=True)
    result = run_chromium(chromium, f"--screenshot={shot}", "--window-size=1100,2600", "--hide-scrollbars",
                          page.as_uri(), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 20_000
