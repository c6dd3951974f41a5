"""Charts of an assessment as inline SVG: no script, so they work in the page, the HTML report
and print alike (the PDF draws the same charts with reportlab, see pdf.py)."""

from __future__ import annotations

from html import escape

from etsatlas.compat import Assessment, Status

COLOURS = {
    Status.ALIGNED: "#2e7d32",
    Status.NEEDS_ALIGNMENT: "#e0a800",
    Status.BARRIER: "#c62828",
    Status.NOT_ENOUGH_DATA: "#9e9e9e",
}


def status_chart(result: Assessment, width: int = 640) -> str:
    """One row per element, coloured by status."""
    row, label_w = 22, 300
    height = row * len(result.elements) + 10
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Status of each element" '
              f'viewBox="0 0 {width} {height}" width="100%" class="compat-chart">')]
    for n, element in enumerate(result.elements):
        y = 5 + n * row
        parts.append(f'<text x="0" y="{y + 15}" font-size="12">{escape(element.title)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 2}" width="{width - label_w - 10}" height="{row - 6}" '
                     f'fill="{COLOURS[element.status]}" rx="3"/>')
        parts.append(f'<text x="{label_w + 8}" y="{y + 15}" font-size="12" fill="#fff">{element.status.label}</text>')
    parts.append("</svg>")
    return "".join(parts)


def price_chart(result: Assessment, width: int = 640) -> str:
    """Latest prices in one currency, with the linked-price range; empty when not comparable."""
    preview = result.preview
    if not preview.prices or preview.price_range is None:
        return ""
    names = {s.id: s.display_name for s in result.sheets}
    top = max(preview.prices.values()) or 1.0
    row, label_w = 26, 160
    height = row * len(preview.prices) + 30
    scale = (width - label_w - 80) / top
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Latest prices in {escape(preview.currency or "")}" '
              f'viewBox="0 0 {width} {height}" width="100%" class="compat-chart">')]
    for n, (system_id, value) in enumerate(preview.prices.items()):
        y = 5 + n * row
        parts.append(f'<text x="0" y="{y + 16}" font-size="12">{escape(names.get(system_id, system_id))}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{value * scale:.1f}" height="{row - 8}" fill="#1565c0"/>')
        parts.append(f'<text x="{label_w + value * scale + 6:.1f}" y="{y + 16}" font-size="12">{value:g} {escape(preview.currency or "")}</text>')
    low, high = preview.price_range
    y = height - 12
    parts.append(f'<line x1="{label_w + low * scale:.1f}" y1="{y}" x2="{label_w + high * scale:.1f}" y2="{y}" stroke="#000" stroke-width="3"/>')
    parts.append(f'<text x="0" y="{y + 4}" font-size="11">linked price range</text>')
    parts.append("</svg>")
    return "".join(parts)
