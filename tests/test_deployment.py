"""What docker-compose runs, run natively: the compose file is valid and the web server serves."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(
    shutil.which("docker-compose") is None, reason="Debian's docker-compose is not installed"
)
def test_compose_file_is_valid(tmp_path):
    for name in ("docker-compose.yml", "Dockerfile", "Caddyfile"):
        shutil.copy(ROOT / name, tmp_path / name)
    env = (ROOT / ".env.example").read_text().splitlines()
    env = [line for line in env if not line.startswith("TRUSTED_PROXY_COUNT=")]  # the default
    (tmp_path / ".env").write_text("\n".join(env))
    result = subprocess.run(
        ["docker-compose", "config", "-q"], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    services = subprocess.run(
        ["docker-compose", "config", "--services"], cwd=tmp_path, capture_output=True, text=True
    )
    assert set(services.stdout.split()) == {"proxy", "web", "worker", "beat", "db", "redis"}
    out = subprocess.run(["docker-compose", "config"], cwd=tmp_path, capture_output=True, text=True)
    web = re.search(r"^  web:\n(.*?)(?=^  \w+:\n|\Z)", out.stdout, re.M | re.S).group(1)
    assert re.search(r"TRUSTED_PROXY_COUNT: ['\"]?1['\"]?$", web, re.M)  # behind Caddy by default
    assert "ports:" not in web  # only the proxy is reachable from outside


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_health_and_admin_login():
    from django.db import connection

    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("DATABASE_URL", ""),
        "SECURE_SSL_REDIRECT": "false",
    }
    if env["DATABASE_URL"]:
        env["DATABASE_URL"] = (
            env["DATABASE_URL"].rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
        )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "privacyschool.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/health/", timeout=2
                ) as response:
                    assert response.status == 200
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=5) as response:
            page = response.read().decode()
            assert response.status == 200 and 'name="csrfmiddlewaretoken"' in page
            assert response.headers["X-Frame-Options"] == "DENY"
    finally:
        process.terminate()
        process.wait(timeout=10)
