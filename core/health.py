from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _broker_status() -> str:
    """ "degraded" when Redis is down: background work waits in the outbox, the web keeps working."""
    if not settings.REDIS_URL:
        return "eager"  # embedded mode: tasks run in-process, there is no broker
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
        )
        return "ok" if client.ping() else "degraded"
    except redis.RedisError:
        return "degraded"


def _failed_jobs() -> int:
    """Background jobs that failed for good (``core.outbox``): a monitor alerts on more than 0,
    the application administrator starts them again in the admin."""
    from .models import Opdracht

    return Opdracht.objects.filter(status=Opdracht.Status.MISLUKT).count()


@never_cache
@require_GET
def health(request):
    """Readiness, as JSON, for a load balancer or a monitor: 503 only when the database is down.

    A broker outage is reported ("degraded") but answers 200: pages and e-mails do not need
    Redis at once (every job is an outbox row first), so a working web stays in service.
    """
    database = "ok" if _database_ok() else "unreachable"
    broker = _broker_status()
    status = "error" if database != "ok" else "degraded" if broker == "degraded" else "ok"
    answer: dict[str, str | int] = {"status": status, "database": database, "broker": broker}
    if database == "ok":
        answer["failed_jobs"] = _failed_jobs()
    return JsonResponse(answer, status=503 if status == "error" else 200)


@never_cache
@require_GET
def live(request):
    """Liveness: the process answers. Touches neither database nor broker (restart only when this fails)."""
    return JsonResponse({"status": "ok"})
