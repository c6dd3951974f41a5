"""The assessment as a PDF report, drawn with reportlab (pure Python, no system libraries).

Same content as the HTML report: summary, charts (element statuses, latest prices), each
element with its evidence, why it matters and the options, the checklist, and the sources.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import ListFlowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .charts import COLOURS

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
WIDTH = A4[0] - 4 * cm


def fonts() -> tuple[str, str]:
    """DejaVu when installed (covers arrows and subscripts), else the built-in Helvetica."""
    regular, bold = DEJAVU / "DejaVuSans.ttf", DEJAVU / "DejaVuSans-Bold.ttf"
    if regular.is_file() and bold.is_file():
        if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
        return "DejaVuSans", "DejaVuSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def text(value: Any, font: str) -> str:
    """Escaped text; without a Unicode font, characters outside Latin-1 become close ASCII."""
    out = escape(str(value))
    if font == "Helvetica":
        out = out.replace("→", "->").encode("latin-1", "replace").decode("latin-1")
    return out


def styles(font: str, bold: str) -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("t", parent=base["Title"], fontName=bold),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=bold),
        "h3": ParagraphStyle("h3", parent=base["Heading3"], fontName=bold),
        "body": ParagraphStyle("b", parent=base["BodyText"], fontName=font, fontSize=9, leading=12),
        "small": ParagraphStyle("s", parent=base["BodyText"], fontName=font, fontSize=7.5, leading=9.5),
    }


def status_drawing(rows: list[dict[str, Any]], font: str) -> Drawing:
    row = 14
    drawing = Drawing(WIDTH, row * len(rows) + 4)
    for n, r in enumerate(rows):
        y = drawing.height - (n + 1) * row
        drawing.add(String(0, y + 3, r["title"], fontName=font, fontSize=8))
        drawing.add(Rect(WIDTH * 0.55, y + 1, WIDTH * 0.45, row - 3, fillColor=colors.HexColor(COLOURS_BY_VALUE[r["status"]]), strokeColor=None))
        drawing.add(String(WIDTH * 0.55 + 4, y + 3, r["status_label"], fontName=font, fontSize=8, fillColor=colors.white))
    return drawing


def price_drawing(preview, names: dict[str, str], font: str) -> Drawing | None:
    if not preview.prices or preview.price_range is None:
        return None
    row, label_w = 16, WIDTH * 0.3
    top = max(preview.prices.values()) or 1.0
    scale = (WIDTH - label_w - 70) / top
    drawing = Drawing(WIDTH, row * len(preview.prices) + 20)
    for n, (system_id, value) in enumerate(preview.prices.items()):
        y = drawing.height - (n + 1) * row
        drawing.add(String(0, y + 4, names.get(system_id, system_id), fontName=font, fontSize=8))
        drawing.add(Rect(label_w, y + 2, value * scale, row - 5, fillColor=colors.HexColor("#1565c0"), strokeColor=None))
        drawing.add(String(label_w + value * scale + 4, y + 4, f"{value:g} {preview.currency}", fontName=font, fontSize=8))
    low, high = preview.price_range
    drawing.add(Line(label_w + low * scale, 6, label_w + high * scale, 6, strokeWidth=3))
    drawing.add(String(0, 3, "linked price range", fontName=font, fontSize=7))
    return drawing


COLOURS_BY_VALUE = {status.value: colour for status, colour in COLOURS.items()}


def element_flowables(r: dict[str, Any], st: dict[str, ParagraphStyle], font: str) -> list:
    out: list = [
        Paragraph(f'{text(r["title"], font)} — <font color="{COLOURS_BY_VALUE[r["status"]]}">{text(r["status_label"], font)}</font>', st["h3"]),
        Paragraph(f"<b>Finding:</b> {text(r['detail'], font)}", st["body"]),
        Paragraph(f"<b>Why it matters:</b> {text(r['why'], font)}", st["body"]),
    ]
    table = [[Paragraph("<b>System</b>", st["small"]), Paragraph("<b>Evidence</b>", st["small"]), Paragraph("<b>Sources (see list)</b>", st["small"])]]
    for ev in r["evidence"]:
        values = "<br/>".join(f"{text(label, font)}: {text(value, font)}{' (?)' if unc else ''}" for label, value, unc in ev["items"])
        sources = " ".join(ev["refs"])
        table.append([Paragraph(text(ev["system"], font), st["small"]), Paragraph(values, st["small"]), Paragraph(sources, st["small"])])
    grid = Table(table, colWidths=[WIDTH * 0.2, WIDTH * 0.62, WIDTH * 0.18], repeatRows=1)
    grid.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    out += [Spacer(1, 3), grid, Paragraph("<b>Options:</b>", st["body"])]
    out.append(ListFlowable([Paragraph(text(o, font), st["body"]) for o in r["options"]], bulletType="bullet"))
    return out


def build_pdf(ctx: dict[str, Any]) -> bytes:
    """The report as PDF bytes."""
    font, bold = fonts()
    st = styles(font, bold)
    result = ctx["result"]
    names = {s["id"]: s["name"] for s in ctx["systems"]}
    story: list = [
        Paragraph("Linking compatibility and readiness", st["title"]),
        Paragraph(text(" · ".join(f"{s['name']} ({s['id']})" for s in ctx["systems"]), font), st["body"]),
        Paragraph(f"Generated by ETS Atlas on {dt.date.today().isoformat()}. Unknown values are shown as unknown; "
                  "(?) marks a value no source fully confirmed.", st["small"]),
        Paragraph(f"Overall readiness: {text(result.overall.label, font)}", st["h2"]),
        Paragraph(text(ctx["summary"], font), st["body"]),
    ]
    if ctx["edits"]:
        story.append(Paragraph("What-if edits (the knowledge base is unchanged): " + text("; ".join(ctx["edits"]), font), st["body"]))
    story += [Paragraph("Status of each element", st["h2"]), status_drawing(ctx["rows"], font)]
    story += [Paragraph("Economic preview", st["h2"]), Paragraph(text(ctx["preview"].method, font), st["body"])]
    prices = price_drawing(ctx["preview"], names, font)
    story.append(prices if prices else Paragraph(f"Not available: {text(ctx['preview'].reason, font)}.", st["body"]))
    preview = ctx["preview"]
    if preview.flows_mt:
        flows = ", ".join(f"{i} {v:+g} Mt" for i, v in preview.flows_mt.items())
        story.append(Paragraph(text(f"Simulated linked price {preview.linked_price:g} {preview.currency}; net imports: {flows}.", font), st["body"]))
    elif prices and preview.reason:
        story.append(Paragraph(text(preview.reason, font), st["body"]))
    story.append(Paragraph("Elements", st["h2"]))
    for r in ctx["rows"]:
        story += element_flowables(r, st, font)
    story.append(Paragraph("Checklist by linking phase", st["h2"]))
    for phase in ctx["checklist"]:
        story.append(Paragraph(f"{text(phase['title'], font)} ({text(phase['status'], font)})", st["h3"]))
        story.append(ListFlowable([Paragraph(text(i["text"], font), st["body"]) for i in phase["items"]], bulletType="bullet"))
    story.append(Paragraph("Sources", st["h2"]))
    for s in ctx["systems"]:
        story.append(Paragraph(f"{text(s['name'], font)} (factsheet as of {s['as_of']}; numbers as cited in the evidence tables)", st["h3"]))
        for n, src in enumerate(s["sources"], 1):
            title = f"{text(src.title, font)} — " if src.title else ""
            story.append(Paragraph(f"[{n}] {title}{text(src.url, font)} (as of {src.as_of})", st["small"]))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=2 * cm, bottomMargin=2 * cm,
                            title="Linking compatibility", author="ETS Atlas")
    doc.build(story)
    return buf.getvalue()
