"""`python -m bot.report` as the office runs it: it reads Rasa's SQL event broker, writes the page
and the CSV, empties the broker's table, and says clearly what is wrong with its arguments."""
import json
import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from tests.report_seed import EVENTS

ROOT = Path(__file__).resolve().parent.parent


def broker_with_events(tmp_path: Path) -> Path:
    """The table Rasa's SQLEventBroker writes (id, sender_id, data), filled as Rasa fills it."""
    events_db = tmp_path / "events.db"
    engine = sa.create_engine(f"sqlite:///{events_db}")
    with engine.begin() as db:
        db.execute(sa.text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), data TEXT)"))
        for event in EVENTS:
            db.execute(sa.text("INSERT INTO events (sender_id, data) VALUES (:s, :d)"),
                       {"s": event["sender_id"], "d": json.dumps(event)})
    engine.dispose()
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(f'event_broker:\n  type: SQL\n  dialect: "sqlite"\n  db: "{events_db}"\n')
    return endpoints


def report(tmp_path: Path, *args: str, endpoints: Path = None):
    env = {**os.environ, "TICKETS_DB_URL": f"sqlite:///{tmp_path / 'desk.db'}",
           "RASA_ENDPOINTS": str(endpoints or tmp_path / "none.yml"), "RASA_TELEMETRY_ENABLED": "false"}
    if endpoints is None:
        (tmp_path / "none.yml").write_text("action_endpoint:\n  url: http://127.0.0.1:1/webhook\n")
    return subprocess.run([sys.executable, "-m", "bot.report", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def test_the_report_reads_the_event_broker_and_writes_a_page_and_a_csv(tmp_path):
    endpoints = broker_with_events(tmp_path)
    out = tmp_path / "out"
    result = report(tmp_path, "--since", "2026-11-01", "--until", "2026-11-07", "--out", str(out), "--lang", "en",
                    endpoints=endpoints)
    assert result.returncode == 0, result.stderr
    page, table = (out / "report.html").read_text(), (out / "report.csv").read_text()
    assert "From 2026-11-01 to 2026-11-07 included, Europe/Luxembourg time" in page
    assert "totals,,all,messages,15" in table.splitlines()  # 13 of the seeded week + E's 2 (no /forget here)
    assert "totals,,all,conversations,6" in table.splitlines()
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'events.db'}")
    with engine.connect() as db:
        assert db.execute(sa.text("SELECT count(*) FROM events")).scalar() == 0
    engine.dispose()
    again = report(tmp_path, "--since", "2026-11-01", "--until", "2026-11-07", "--out", str(out), endpoints=endpoints)
    assert again.returncode == 0 and "totals,,all,messages,15" in (out / "report.csv").read_text().splitlines()


def test_a_period_without_data_says_so(tmp_path):
    result = report(tmp_path, "--days", "7", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "no data yet for this period" in result.stdout
    assert "Pas encore de données pour cette période." in (tmp_path / "out" / "report.html").read_text()


def test_wrong_arguments_exit_with_status_2_and_one_clear_line(tmp_path):
    bad_date = report(tmp_path, "--since", "31/11/2026")
    assert bad_date.returncode == 2 and "not a date (YYYY-MM-DD): '31/11/2026'" in bad_date.stderr
    backwards = report(tmp_path, "--since", "2026-11-30", "--until", "2026-11-01")
    assert backwards.returncode == 2 and "the period starts after it ends" in backwards.stderr
    assert report(tmp_path, "--days", "0").returncode == 2
