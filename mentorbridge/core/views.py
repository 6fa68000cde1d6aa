"""Pages that belong to no single domain: the landing page, health check, error pages."""

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import clock
from .notifications import notifications_mark_read
from .selectors import get_notification_for_user, notifications_for_user


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the app can reach its database, 503 otherwise (for load balancers); also the task
    queue: how many tasks wait, how long the oldest has waited, and how many run (for monitors).

    A stalled queue does not make this 503: the app still serves pages, and taking it out of the
    load balancer would not help the workers.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        tasks = _task_queue()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "tasks": tasks})


def _task_queue() -> dict[str, object]:
    from django.conf import settings
    from django.db.models import Count, Min, Q
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = clock.now()
    figures = DBTaskResult.objects.aggregate(
        ready=Count("pk", filter=Q(status=TaskResultStatus.READY, run_after__lte=now)),
        running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
        oldest=Min("run_after", filter=Q(status=TaskResultStatus.READY, run_after__lte=now)),
    )
    oldest = figures["oldest"]
    age = max(0.0, (now - oldest).total_seconds()) if oldest else 0.0
    return {
        "ready": figures["ready"],
        "running": figures["running"],
        "oldest_ready_age_seconds": round(age, 1),
        "stalled": age > settings.HEALTHZ_TASK_STALL_SECONDS,
    }


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 when the database is unreachable (a restart, a failover): then a page that needs
    no database (no context processors), and Retry-After; connections heal by themselves
    (CONN_HEALTH_CHECKS), so the next request after the database is back succeeds."""
    import sys

    from django.db import InterfaceError, OperationalError
    from django.template import loader

    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = "10"
        return response
    return render(request, "500.html", status=500)


@require_GET
@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    items = list(notifications_for_user(request.user)[:100])
    return render(request, "core/notifications.html", {"items": items})


@require_POST
@login_required
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark all as read, or one (then follow its link)."""
    pk = request.POST.get("pk", "")
    if pk:
        notification = get_notification_for_user(request.user, int(pk) if pk.isdigit() else 0)
        notifications_mark_read(user=request.user, notification=notification)
        if notification.url.startswith("/"):
            return redirect(notification.url)
    else:
        notifications_mark_read(user=request.user)
    return redirect("notifications")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400s, including bodies over the upload limit (a 50 MB message): say what went wrong."""
    from django.core.exceptions import RequestDataTooBig

    too_big = isinstance(exception, RequestDataTooBig)
    if request.path.startswith("/api/"):  # the JSON API answers in its own error shape
        detail = "The request body is too large." if too_big else str(exception) or "Bad request."
        return JsonResponse({"detail": detail, "code": "bad_request"}, status=400)
    return render(request, "400.html", {"too_big": too_big}, status=400)
