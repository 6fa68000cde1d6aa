"""The server-drawn charts: a long funnel label is cut to fit and shown whole on hover; the legend
sits below the axis labels, inside the chart."""

import re

from mentorbridge.dashboard.charts import grouped_columns, horizontal_bars, lines


def test_a_long_label_is_cut_beside_its_bar_and_whole_in_its_title() -> None:
    long = "Requested a mentor within the first two weeks"
    svg = horizontal_bars("Funnel", [long, "Matched"], [120, None])
    assert f"<title>{long}</title>{long[:29]}…</text>" in svg
    assert "<title>Matched</title>Matched</text>" in svg
    assert "&lt;5" in svg  # a suppressed small count


def test_labels_are_escaped() -> None:
    svg = horizontal_bars("Funnel", ["<b>x</b>"], [3])
    assert "<b>" not in svg and "&lt;b&gt;x&lt;/b&gt;" in svg


def _ys(svg: str, pattern: str) -> list[float]:
    return [float(y) for y in re.findall(pattern, svg)]


def test_the_legend_sits_below_the_axis_labels_and_inside_the_chart() -> None:
    series = [("Mentees", [3, 5, 2]), ("Mentors", [1, 4, 6])]
    for svg in (
        grouped_columns("Ratings", ["1", "2", "3"], series),
        lines("Activity", ["2026-10", "2026-11", "2026-12"], series),
    ):
        labels = _ys(svg, r'<text x="[\d.]+" y="([\d.]+)" text-anchor="middle"')
        legend_boxes = _ys(svg, r'<rect x="[\d.]+" y="([\d.]+)" width="12" height="12"')
        height = float(re.search(r'viewBox="0 0 \d+ (\d+)"', svg).group(1))
        assert labels and legend_boxes
        assert min(legend_boxes) > max(labels) + 2  # a legend box starts below the labels' baseline
        assert max(legend_boxes) + 12 <= height
