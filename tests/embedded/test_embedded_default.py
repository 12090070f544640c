"""The embedded default that `scripts/demo` starts (SQLite, tasks in-process) runs what the
product runs on PostgreSQL: set-based erasure and restrictions per category included.

Everything else in the suite runs on PostgreSQL, so SQL written for it alone (an array parameter,
JSON containment) would otherwise only break in a newcomer's first demo."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(env, *args, stdin=None):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _embedded_env(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "FIELD_ENCRYPTION_KEY"}
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "tests.embedded.settings",
        "EMBEDDED_DB_PATH": str(tmp_path / "demo.sqlite3"),
        "MFA_REQUIRED": "false",
    }
    for args in (("migrate", "--noinput", "-v", "0"), ("demo",)):
        done = _manage(env, *args)
        assert done.returncode == 0, done.stderr[-3000:]
    return env


def test_the_demo_on_sqlite_answers_the_daily_pages(tmp_path):
    """Every page and download of the check answers as on PostgreSQL: no 500, a PDF is a PDF, a
    parent's answer redirects (saved)."""
    env = _embedded_env(tmp_path)
    script = (Path(__file__).parent / "check_pages.py").read_text()
    done = _manage(env, "shell", stdin=script)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(done.stdout.strip().splitlines()[-1])
    failed = {
        url: r
        for url, r in results.items()
        if r["status"] not in (200, 302) or (url.endswith(".pdf") and not r["pdf"])
    }
    assert failed == {}
    assert len(results) == 15


def test_the_demo_on_sqlite_destroys_its_waiting_list(tmp_path):
    env = _embedded_env(tmp_path)
    script = (Path(__file__).parent / "check_destruction.py").read_text()
    done = _manage(env, "shell", stdin=script)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["pupils_on_list"] > 0
    assert result["pupils_left"] == 0
    assert result["destroyed"] > 0
    assert isinstance(result["restricted"], list)
    assert result["status"] in {"uitgevoerd", "wacht_op_bevestiging"}
