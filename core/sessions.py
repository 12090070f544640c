"""The session middleware: an idle timeout without a database write on every request.

``SESSION_COOKIE_AGE`` is the idle timeout (30 minutes from the last request). Django's
``SESSION_SAVE_EVERY_REQUEST`` keeps it by writing the session row on every request: a transaction
of three statements, a fifth of the CPU of a consent submission in the September rush (docs/scale.md).
Here the session is written when it changed, or when its last refresh is ``SESSION_REFRESH_SECONDS``
or more ago; so a session ends after ``SESSION_COOKIE_AGE`` minus at most that of idleness. A log-in
writes the session anyway and starts the count; a visitor without a session never gets one here.
"""

import time

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware

REFRESHED_KEY = "_refreshed"  # when the session was last written, in seconds since the epoch


def refresh_due(session, now: float | None = None) -> bool:
    now = time.time() if now is None else now
    return now - session.get(REFRESHED_KEY, 0) >= settings.SESSION_REFRESH_SECONDS


class IdleSessionMiddleware(SessionMiddleware):
    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is not None and (session.session_key or session.modified):
            # Reads a session not read yet; a stale or ended one has no data and stays unwritten.
            if session.keys() and (session.modified or refresh_due(session)):
                session[REFRESHED_KEY] = int(time.time())
        return super().process_response(request, response)
