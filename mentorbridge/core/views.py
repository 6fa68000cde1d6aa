"""Pages that belong to no single domain: the landing page, health check, error pages."""

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from mentorbridge.members.selectors import member_for_user

from . import clock
from .models import Notification


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the app can reach its database, 503 otherwise (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


@require_GET
@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    member = member_for_user(request.user)
    items = list(Notification.objects.filter(member=member)[:100])
    return render(request, "core/notifications.html", {"items": items})


@require_POST
@login_required
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark all as read, or one (then follow its link)."""
    member = member_for_user(request.user)
    qs = Notification.objects.filter(member=member, read_at__isnull=True)
    pk = request.POST.get("pk", "")
    if pk:
        notification = Notification.objects.filter(
            member=member, pk=pk if pk.isdigit() else 0
        ).first()
        if notification is None:
            raise Http404("No such notification.")
        qs.filter(pk=notification.pk).update(read_at=clock.now())
        if notification.url.startswith("/"):
            return redirect(notification.url)
    else:
        qs.update(read_at=clock.now())
    return redirect("notifications")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400s, including bodies over the upload limit (a 50 MB message): say what went wrong."""
    from django.core.exceptions import RequestDataTooBig

    too_big = isinstance(exception, RequestDataTooBig)
    if request.path.startswith("/api/"):  # the JSON API answers in its own error shape
        detail = "The request body is too large." if too_big else str(exception) or "Bad request."
        return JsonResponse({"detail": detail, "code": "bad_request"}, status=400)
    return render(request, "400.html", {"too_big": too_big}, status=400)
