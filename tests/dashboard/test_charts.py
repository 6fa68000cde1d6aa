"""The server-drawn charts: a long funnel label is cut to fit, and shown whole on hover."""

from mentorbridge.dashboard.charts import horizontal_bars


def test_a_long_label_is_cut_beside_its_bar_and_whole_in_its_title() -> None:
    long = "Requested a mentor within the first two weeks"
    svg = horizontal_bars("Funnel", [long, "Matched"], [120, None])
    assert f"<title>{long}</title>{long[:29]}…</text>" in svg
    assert "<title>Matched</title>Matched</text>" in svg
    assert "&lt;5" in svg  # a suppressed small count


def test_labels_are_escaped() -> None:
    svg = horizontal_bars("Funnel", ["<b>x</b>"], [3])
    assert "<b>" not in svg and "&lt;b&gt;x&lt;/b&gt;" in svg
