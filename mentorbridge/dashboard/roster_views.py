"""Roster import pages (coordinators) and the invitation link (the invited member)."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentorbridge.accounts.models import User
from mentorbridge.core.middleware import accepts_upload
from mentorbridge.core.permissions import coordinator_required
from mentorbridge.core.refusals import Refusal, refusal_shown

from . import invitations, roster, services
from .forms import MappingForm, RosterUploadForm, SetPasswordForm
from .models import Invitation, RosterUpload
from .selectors import get_upload_for_coordinator

PREVIEW_ROWS = 200


def _sheet(upload: RosterUpload) -> roster.Sheet:
    content = RosterUpload.objects.filter(pk=upload.pk).values_list("content", flat=True)[0]
    return roster.read_roster(upload.filename, bytes(content))


@accepts_upload(max_bytes=roster.MAX_BYTES + 64 * 1024)  # the file and the form around it
@require_http_methods(["GET", "POST"])
@coordinator_required
def roster_upload(request: HttpRequest) -> HttpResponse:
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            file = form.cleaned_data["file"]
            data = file.read()
            with refusal_shown(request, form=form, field="file"):
                upload = services.roster_upload_create(
                    by=cast(User, request.user), filename=file.name, data=data
                )
                return redirect("dashboard:roster_preview", upload.pk)
    uploads = RosterUpload.objects.defer("content").select_related("uploaded_by")[:10]
    counts = Invitation.objects.aggregate(
        total=Count("pk"),
        accepted=Count("pk", filter=Q(accepted_at__isnull=False)),
        waiting=Count("pk", filter=Q(accepted_at__isnull=True, sent_at__isnull=False)),
    )
    return render(
        request,
        "dashboard/roster.html",
        {"form": form, "uploads": uploads, "counts": counts},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@coordinator_required
def roster_preview(request: HttpRequest, pk: int) -> HttpResponse:
    upload = get_upload_for_coordinator(request.user, pk)
    with refusal_shown(request) as outcome:
        sheet = _sheet(upload)
    if outcome.refused:
        return redirect("dashboard:roster")
    initial = {k: ("" if v is None else str(v)) for k, v in upload.mapping.items()}
    form = MappingForm(request.POST or None, headers=sheet.headers, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with refusal_shown(request, form=form):
                services.roster_mapping_set(
                    upload=upload, mapping=form.mapping(), by=cast(User, request.user)
                )
                return redirect("dashboard:roster_preview", upload.pk)
        status = 400
    mapping = {k: (v if isinstance(v, int) else None) for k, v in upload.mapping.items()}
    plan = roster.plan_roster(sheet, mapping)
    shown = {
        action: [r for r in plan.rows if r.action == action][:PREVIEW_ROWS]
        for action in ("error", "create", "update", "unchanged")
    }
    return render(
        request,
        "dashboard/roster_preview.html",
        {
            "upload": upload,
            "plan": plan,
            "form": form,
            "shown": shown,
            "counts": {action: plan.count(action) for action in shown},
            "limit": PREVIEW_ROWS,
        },
        status=status,
    )


@require_POST
@coordinator_required
def roster_import(request: HttpRequest, pk: int) -> HttpResponse:
    upload = get_upload_for_coordinator(request.user, pk)
    with refusal_shown(request):
        sheet = _sheet(upload)
        mapping = {k: (v if isinstance(v, int) else None) for k, v in upload.mapping.items()}
        plan = roster.plan_roster(sheet, mapping)
        report = roster.roster_import(
            upload=upload, plan=plan, by=getattr(request.user, "member", None)
        )
        messages.success(
            request,
            f"Imported: {report.created} new members (invitations on their way), "
            f"{report.updated} updated, {report.unchanged} unchanged.",
        )
        return redirect("dashboard:invitations")
    return redirect("dashboard:roster_preview", upload.pk)


@require_GET
@coordinator_required
def invitation_list(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "")
    invites = Invitation.objects.select_related("member__user", "member__stage").order_by(
        "-created_at", "-pk"
    )
    if show == "accepted":
        invites = invites.filter(accepted_at__isnull=False)
    elif show == "waiting":
        invites = invites.filter(accepted_at__isnull=True)
    else:
        show = ""
    page = Paginator(invites, 50).get_page(request.GET.get("page"))
    counts = Invitation.objects.aggregate(
        total=Count("pk"),
        accepted=Count("pk", filter=Q(accepted_at__isnull=False)),
        waiting=Count("pk", filter=Q(accepted_at__isnull=True)),
    )
    return render(
        request, "dashboard/invitations.html", {"page": page, "show": show, "counts": counts}
    )


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invited member's one-time link: set a password, and be signed in."""
    found = invitations.invitation_for_token(token)
    if found.invitation is None:
        return render(request, "dashboard/invitation.html", {"problem": found.problem}, status=410)
    invitation = found.invitation
    if request.user.is_authenticated and request.user.pk != invitation.member.user_id:
        return render(
            request,
            "dashboard/invitation.html",
            {"problem": "You are signed in as someone else: log out, then open the link again."},
            status=409,
        )
    if not settings.PASSWORD_LOGIN:
        # No passwords here: the page points to the society's sign-in, which links the account by
        # its verified email address (accounts.sso). Nothing to post.
        status = 405 if request.method == "POST" else 200
        return render(
            request, "dashboard/invitation.html", {"invitation": invitation}, status=status
        )
    user = invitation.member.user
    form = SetPasswordForm(request.POST or None, user=user)
    if request.method == "POST":
        if form.is_valid():
            try:
                invitations.invitation_accept(
                    invitation=invitation, password=form.cleaned_data["password1"]
                )
            except Refusal as error:
                return render(
                    request, "dashboard/invitation.html", {"problem": str(error)}, status=410
                )
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome! Your password is set. Now finish your profile.")
            return redirect("members:edit")
        status = 400
    else:
        status = 200
    return render(
        request,
        "dashboard/invitation.html",
        {"form": form, "invitation": invitation},
        status=status,
    )
