"""Every scheduled task exists and accepts its arguments; beat itself starts (as docker-compose runs it)."""

import inspect
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import current_app
from django.conf import settings
from django.utils.module_loading import import_string

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", sorted(settings.CELERY_BEAT_SCHEDULE))
def test_scheduled_task_exists_and_binds_its_arguments(name):
    entry = settings.CELERY_BEAT_SCHEDULE[name]
    task = import_string(entry["task"])
    assert task.name in current_app.tasks
    inspect.signature(task.run).bind(*entry.get("args", ()), **entry.get("kwargs", {}))


def test_beat_and_worker_start(tmp_path):
    env = {**os.environ}
    beat = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "privacyschool", "beat", "--loglevel", "INFO", "--schedule", str(tmp_path / "schedule")],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        time.sleep(4)
        assert beat.poll() is None, beat.stdout.read()
    finally:
        beat.terminate()
        output = beat.communicate(timeout=15)[0]
    assert "beat: Starting" in output
