"""The program dashboard, its downloads, the cycle report and the exports (coordinators only)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET

from mentorbridge.core.permissions import coordinator_required
from mentorbridge.programs.models import Program
from mentorbridge.programs.selectors import get_cycle_for_coordinator

from . import charts, exports, report, services
from .figures import CACHE_SECONDS, CycleFigures, Table, cycle_figures, cycle_figures_cached
from .selectors import default_cycle


@dataclass
class Panel:
    table: Table
    chart: SafeString | None = None


def _panels(figures: CycleFigures) -> list[Panel]:
    t = figures.tables
    funnel = t["funnel"]
    activity = t["activity"]
    ratings = t["ratings"]
    drawn = {
        "funnel": charts.horizontal_bars(
            funnel.title,
            [str(label) for label in funnel.column(0)],
            [v if isinstance(v, int) else None for v in funnel.column(1)],
        ),
        "activity": charts.lines(
            activity.title,
            [str(m) for m in activity.column(0)],
            [
                ("Meetings held", [int(v or 0) for v in activity.column(1)]),
                ("Messages", [int(v or 0) for v in activity.column(2)]),
            ],
        )
        if activity.rows
        else None,
        "ratings": charts.grouped_columns(
            ratings.title,
            [str(r) for r in ratings.column(0)],
            [
                ("Mentees", [int(v or 0) for v in ratings.column(1)]),
                ("Mentors", [int(v or 0) for v in ratings.column(2)]),
            ],
        ),
    }
    return [Panel(table, drawn.get(slug)) for slug, table in t.items()]


@require_GET
@coordinator_required
def index(request: HttpRequest) -> HttpResponse:
    """The cycle picker lands here (?cycle=…); with nothing picked, the newest open cycle."""
    raw = request.GET.get("cycle", "")
    if raw.isdigit() and len(raw) < 12:
        return redirect("dashboard:cycle", get_cycle_for_coordinator(request.user, int(raw)).pk)
    cycle = default_cycle()
    if cycle is None:
        return render(request, "dashboard/empty.html")
    return redirect("dashboard:cycle", cycle.pk)


@require_GET
@coordinator_required
def cycle(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_cycle_for_coordinator(request.user, pk)
    figures = cycle_figures_cached(cycle, fresh=request.GET.get("fresh") == "1")
    programs = Program.objects.prefetch_related("cycles").order_by("pk")
    return render(
        request,
        "dashboard/cycle.html",
        {
            "cycle": cycle,
            "figures": figures,
            "headline": figures.headline,
            "panels": _panels(figures),
            "programs": programs,
            "cache_minutes": CACHE_SECONDS // 60,
        },
    )


def _format(fmt: str, allowed: tuple[str, ...] = exports.FORMATS) -> str:
    if fmt not in allowed:
        raise Http404("No such format.")
    return fmt


@require_GET
@coordinator_required
def table_download(request: HttpRequest, pk: int, slug: str, fmt: str) -> HttpResponse:
    cycle = get_cycle_for_coordinator(request.user, pk)
    _format(fmt)
    figures = cycle_figures(cycle)
    table = figures.tables.get(slug)
    if table is None:
        raise Http404("No such table.")
    services.export_record(
        user=request.user, what=f"table {slug}", fmt=fmt, target=cycle, rows=len(table.rows)
    )
    return exports.file_response(
        exports.table_file(table, fmt), filename=exports.filename_for(cycle, slug), fmt=fmt
    )


@require_GET
@coordinator_required
def report_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    cycle = get_cycle_for_coordinator(request.user, pk)
    _format(fmt, ("pdf", *exports.FORMATS))
    figures = cycle_figures(cycle)
    content = report.report_file(figures, fmt)
    services.export_record(user=request.user, what="cycle report", fmt=fmt, target=cycle)
    if fmt == "pdf":
        response = HttpResponse(content, content_type="application/pdf")
        name = exports.filename_for(cycle, "report")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    return exports.file_response(content, filename=exports.filename_for(cycle, "report"), fmt=fmt)


EXPORTS = {
    "enrollments": (exports.ENROLLMENT_HEADERS, exports.enrollment_rows),
    "pairs": (exports.PAIR_HEADERS, exports.pair_rows),
    "outcomes": (exports.OUTCOME_HEADERS, exports.outcome_rows),
}


@require_GET
@coordinator_required
def export(request: HttpRequest, pk: int, what: str, fmt: str) -> HttpResponse:
    cycle = get_cycle_for_coordinator(request.user, pk)
    _format(fmt)
    if what not in EXPORTS:
        raise Http404("No such export.")
    headers, rows_for = EXPORTS[what]
    rows = list(rows_for(cycle))
    content = (
        exports.csv_bytes(headers, rows)
        if fmt == "csv"
        else exports.xlsx_bytes([(what.title(), headers, rows)])
    )
    services.export_record(user=request.user, what=what, fmt=fmt, target=cycle, rows=len(rows))
    return exports.file_response(content, filename=exports.filename_for(cycle, what), fmt=fmt)
