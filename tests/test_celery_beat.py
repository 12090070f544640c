"""Every scheduled task exists and accepts its arguments; beat itself starts (as docker-compose runs it)."""

import inspect
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

import pytest
from celery import current_app

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", sorted(settings.CELERY_BEAT_SCHEDULE))
def test_scheduled_task_exists_and_binds_its_arguments(name):
    entry = settings.CELERY_BEAT_SCHEDULE[name]
    task = import_string(entry["task"])
    assert task.name in current_app.tasks
    inspect.signature(task.run).bind(*entry.get("args", ()), **entry.get("kwargs", {}))


def test_beat_starts_and_works_through_its_schedule(tmp_path):
    """Beat has loaded the schedule and gone through it once when it says how long it will sleep."""
    env = {**os.environ}
    beat = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "privacyschool",
            "beat",
            "--loglevel",
            "DEBUG",
            "--schedule",
            str(tmp_path / "schedule"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in beat.stdout], daemon=True).start()
    output, deadline = [], time.monotonic() + 60
    try:
        while not any("beat: Waking up" in line for line in output):
            assert time.monotonic() < deadline and beat.poll() is None, "".join(output)
            try:
                output.append(lines.get(timeout=1))
            except queue.Empty:
                pass
    finally:
        beat.terminate()
        beat.wait(timeout=15)
    text = "".join(output)
    assert "beat: Starting" in text
    assert "Traceback" not in text and "ERROR" not in text, text
