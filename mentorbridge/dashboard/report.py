"""The cycle report for the society's board: every dashboard figure, with the program's name and
the date, as PDF (reportlab, like the certificates), CSV or XLSX."""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from mentorbridge.core import clock

from . import exports
from .figures import Cell, CycleFigures


def _shown(cell: Cell, column: int) -> str:
    if cell is None:
        return "–" if column else ""
    return f"{cell:g}" if isinstance(cell, float) else str(cell)


def _heading(figures: CycleFigures) -> list[str]:
    cycle = figures.cycle
    return [
        f"{cycle.program.name} · {cycle.name}",
        f"Cycle report, {clock.today():%-d %B %Y}",
        f"Enrollment {cycle.enrollment_opens:%-d %b %Y}–{cycle.enrollment_closes:%-d %b %Y}, "
        f"match date {cycle.match_date:%-d %b %Y}, term ends {cycle.term_end:%-d %b %Y}",
    ]


def report_file(figures: CycleFigures, fmt: str) -> bytes:
    if fmt == "pdf":
        return report_pdf(figures)
    heading = _heading(figures)
    if fmt == "csv":
        rows: list[list[Cell]] = [[line] for line in heading]
        for table in figures.tables.values():
            rows += [[], [table.title], list(table.headers)]
            rows += [[_shown(c, i) for i, c in enumerate(row)] for row in table.rows]
            if table.note:
                rows.append([table.note])
        return exports.csv_bytes(["MentorBridge"], rows)
    sheets: list[tuple[str, Sequence[Cell], Sequence[Sequence[Cell]]]] = [
        ("Report", ["MentorBridge"], [[line] for line in heading])
    ]
    sheets += [
        (
            table.title,
            table.headers,
            table.rows,
        )
        for table in figures.tables.values()
    ]
    return exports.xlsx_bytes(sheets)


def report_pdf(figures: CycleFigures) -> bytes:
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=letter,
        title=f"{figures.cycle} — cycle report",
        author="MentorBridge",
        leftMargin=0.7 * inch,
        rightMargin=0.7 * inch,
        topMargin=0.7 * inch,
        bottomMargin=0.7 * inch,
    )
    heading = _heading(figures)
    story: list[object] = [
        Paragraph(escape(heading[0]), styles["Title"]),
        Paragraph(escape(heading[1]), styles["Heading3"]),
        Paragraph(escape(heading[2]), styles["Normal"]),
        Spacer(1, 0.2 * inch),
    ]
    cell_style = styles["BodyText"].clone("cell", fontSize=8.5, leading=10.5)
    for table in figures.tables.values():
        story.append(Paragraph(escape(table.title), styles["Heading4"]))
        data = [[Paragraph(f"<b>{escape(h)}</b>", cell_style) for h in table.headers]]
        data += [
            [Paragraph(escape(_shown(c, i)), cell_style) for i, c in enumerate(row)]
            for row in table.rows
        ] or [[Paragraph("Nothing yet.", cell_style)] + [""] * (len(table.headers) - 1)]
        width = doc.width / len(table.headers)
        first = min(doc.width * 0.45, width * 2) if len(table.headers) > 1 else doc.width
        rest = (doc.width - first) / max(len(table.headers) - 1, 1)
        pdf_table = PdfTable(
            data, colWidths=[first] + [rest] * (len(table.headers) - 1), repeatRows=1
        )
        pdf_table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef3")),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b0b8c0")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(pdf_table)
        if table.note:
            story.append(Paragraph(f"<i>{escape(table.note)}</i>", cell_style))
        story.append(Spacer(1, 0.15 * inch))
    doc.build(story)
    return buffer.getvalue()
