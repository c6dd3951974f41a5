"""`{% system_price_chart system_id as chart %}`: data for the small chart on a factsheet."""

from __future__ import annotations

from django import template

from etsatlas.prices import make_query

from .. import explorer
from ..data import has_data

register = template.Library()


@register.simple_tag
def system_price_chart(system_id: str) -> dict | None:
    """Weekly prices of one system in its own currency, every market; None without data."""
    if not system_id or not has_data() or system_id not in explorer.available_systems():
        return None
    frame = explorer.table(make_query(systems=system_id, series="price", freq="weekly"))
    return explorer.chart(frame) if not frame.empty else None
