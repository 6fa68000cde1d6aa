"""Charts drawn on the server as inline SVG: no chart library, no script, nothing from a CDN.

Colours and sizes are SVG presentation attributes (not `style`), so a strict Content Security
Policy allows them. Each chart is decorative next to its table: the table carries the numbers for
screen readers, the SVG has a short title.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

COLOURS = ("#1f5f8b", "#c8553d", "#588157", "#8d6a9f")
WIDTH = 560
ROW = 26
LABEL_WIDTH = 230
# The legend's baseline below the x axis: under the axis labels (at 16), never on them.
LEGEND_BELOW = 40


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def horizontal_bars(
    title: str, labels: Sequence[str], values: Sequence[float | None]
) -> SafeString:
    """One bar per label, longest = widest (the funnel)."""
    top = max([v for v in values if v is not None] or [0]) or 1
    plot = WIDTH - LABEL_WIDTH - 60
    bars = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = i * ROW
        width = 0 if value is None else max(round(plot * value / top), 1 if value else 0)
        bars.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="12" fill="#222">'
                "<title>{}</title>{}</text>"
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
                '<text x="{}" y="{}" font-size="12" fill="#222">{}</text>',
                LABEL_WIDTH - 8,
                y + 17,
                # A long label is cut to fit beside its bar; hovering shows it whole.
                label,
                label if len(label) <= 30 else label[:29] + "…",
                LABEL_WIDTH,
                y + 4,
                width,
                ROW - 8,
                COLOURS[0],
                LABEL_WIDTH + width + 6,
                y + 17,
                "<5" if value is None else _number(value),
            )
        )
    height = len(labels) * ROW + 4
    return _svg(title, WIDTH, height, mark_safe("".join(bars)))


def grouped_columns(
    title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[int]]]
) -> SafeString:
    """Vertical columns per label, one colour per series (the ratings histogram)."""
    bottom, left = 170, 40
    top = max([v for _, values in series for v in values] or [0]) or 1
    slot = (WIDTH - left - 10) / max(len(labels), 1)
    width = slot * 0.8 / max(len(series), 1)
    parts = [_axis(left, bottom, top)]
    for i, label in enumerate(labels):
        x0 = left + i * slot + slot * 0.1
        for s, (_, values) in enumerate(series):
            value = values[i]
            h = round((bottom - 20) * value / top)
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>',
                    round(x0 + s * width, 1),
                    bottom - h,
                    round(width - 2, 1),
                    h,
                    COLOURS[s % len(COLOURS)],
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="#222">{}</text>',
                round(x0 + slot * 0.4, 1),
                bottom + 16,
                label,
            )
        )
    parts.append(_legend([name for name, _ in series], bottom + LEGEND_BELOW))
    return _svg(title, WIDTH, bottom + LEGEND_BELOW + 8, mark_safe("".join(parts)))


def lines(
    title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[int]]]
) -> SafeString:
    """One line per series over the labels (activity by month)."""
    bottom, left = 170, 40
    top = max([v for _, values in series for v in values] or [0]) or 1
    # The last label is centred on the last point: 40 units from the edge leave it room.
    step = (WIDTH - left - 40) / max(len(labels) - 1, 1)
    parts = [_axis(left, bottom, top)]
    for s, (_, values) in enumerate(series):
        points = " ".join(
            f"{round(left + i * step, 1)},{round(bottom - (bottom - 20) * v / top, 1)}"
            for i, v in enumerate(values)
        )
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="2"></polyline>',
                points,
                COLOURS[s % len(COLOURS)],
            )
        )
    every = max(len(labels) // 8, 1)
    parts.append(
        format_html_join(
            "",
            '<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="#222">{}</text>',
            (
                (round(left + i * step, 1), bottom + 16, label)
                for i, label in enumerate(labels)
                if i % every == 0
            ),
        )
    )
    parts.append(_legend([name for name, _ in series], bottom + LEGEND_BELOW))
    return _svg(title, WIDTH, bottom + LEGEND_BELOW + 8, mark_safe("".join(parts)))


def _axis(left: int, bottom: int, top: float) -> SafeString:
    return format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#888"></line>'
        '<line x1="{}" y1="20" x2="{}" y2="{}" stroke="#888"></line>'
        '<text x="{}" y="24" text-anchor="end" font-size="11" fill="#222">{}</text>'
        '<text x="{}" y="{}" text-anchor="end" font-size="11" fill="#222">0</text>',
        left,
        bottom,
        WIDTH - 10,
        bottom,
        left,
        left,
        bottom,
        left - 4,
        _number(top),
        left - 4,
        bottom,
    )


def _legend(names: Sequence[str], y: int) -> SafeString:
    return format_html_join(
        "",
        '<rect x="{}" y="{}" width="12" height="12" fill="{}"></rect>'
        '<text x="{}" y="{}" font-size="12" fill="#222">{}</text>',
        (
            (40 + i * 140, y - 10, COLOURS[i % len(COLOURS)], 58 + i * 140, y, name)
            for i, name in enumerate(names)
        ),
    )


def _svg(title: str, width: int, height: int, body: SafeString) -> SafeString:
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" width="100%" role="img" '
        'aria-label="{}" xmlns="http://www.w3.org/2000/svg"><title>{}</title>{}</svg>',
        width,
        height,
        title,
        title,
        body,
    )
