"""Progress of an import: a ``progress`` callable for ``build_plan``/``apply_plan`` (like tqdm),
and the progress of a background import kept in Redis for the status page."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings

Progress = Callable[..., Any]


class StoredProgress:
    """Progress of a background import, kept in Redis (outside the import's transaction) for the
    status page. A ``progress`` callable for ``build_plan``/``apply_plan``, like tqdm. Without
    Redis (the embedded demo runs tasks in-process) it records nothing.
    """

    TTL = 15 * 60  # a key that is not refreshed for this long means the worker is gone
    EVERY = 500

    def __init__(self, run_id: int):
        self.key = f"privacyschool:pupil-import:{run_id}"
        self.phase, self.done, self.total = "", 0, 0
        self._redis = None
        if settings.REDIS_URL:
            import redis

            self._redis = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)

    def _store(self) -> None:
        if self._redis is None:
            return
        try:
            self._redis.hset(
                self.key, mapping={"phase": self.phase, "done": self.done, "total": self.total}
            )
            self._redis.expire(self.key, self.TTL)
        except Exception:  # progress is a courtesy: an import never fails on it
            pass

    def start(self) -> None:
        self.phase = "queued"
        self._store()

    def clear(self) -> None:
        if self._redis is not None:
            try:
                self._redis.delete(self.key)
            except Exception:
                pass

    def read(self) -> dict[str, Any] | None:
        if self._redis is None:
            return None
        try:
            raw = self._redis.hgetall(self.key)
        except Exception:
            return None
        if not raw:
            return None
        values = {k.decode(): v.decode() for k, v in raw.items()}
        return {
            "phase": values.get("phase", ""),
            "done": int(values.get("done", 0)),
            "total": int(values.get("total", 0)),
        }

    def __call__(self, iterable=None, *, total: int | None = None, **kwargs):
        if iterable is not None:  # checking the rows
            self.phase, self.done, self.total = "check", 0, total or len(iterable)
            self._store()
            return self._counting(iterable)
        self.phase, self.done, self.total = "write", 0, total or 0
        self._store()
        return self

    def _counting(self, iterable):
        for item in iterable:
            yield item
            self.done += 1
            if self.done % self.EVERY == 0:
                self._store()

    def update(self, n: int) -> None:
        self.done += n
        self._store()

    def close(self) -> None:
        self._store()


def noop(iterable: Iterable, **kwargs):
    return iterable
