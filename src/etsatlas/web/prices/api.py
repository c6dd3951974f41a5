"""API routes of the price explorer (mounted under /api/v1/)."""

from __future__ import annotations

import datetime as dt

from django.http import JsonResponse
from ninja import Query as QueryParams
from ninja import Router, Schema
from pydantic import Field

from etsatlas.prices import QueryError
from etsatlas.web.core.errors import ApiError

from . import explorer

router = Router()


class PriceParams(Schema):
    systems: str | None = Field(None, description="Comma-separated system ids, e.g. eu-ets,uk-ets (default: every system with prices).")
    market: str | None = Field(None, description="all (default), primary, secondary or reference; comma-separated for several.")
    series: str = Field("price", description="price (default), all, or comma-separated level names such as auction_reserve_price.")
    currency: str = Field("native", description="native (each system's own currency, default), EUR or USD.")
    start: str | None = Field(None, description="First date, YYYY-MM-DD.")
    end: str | None = Field(None, description="Last date, YYYY-MM-DD.")
    freq: str = Field("daily", description="daily (default), weekly, monthly or annual (means, dated by the period's first day).")


class PriceRow(Schema):
    system: str
    date: dt.date
    market: str
    series: str
    value: float | None = Field(description="Per tonne CO2e, in `currency`.")
    currency: str
    rate_estimated: bool = Field(description="True when no exchange rate of that date exists and the nearest earlier one was used.")


class PricesOut(Schema):
    query: dict
    count: int
    data: list[PriceRow]


class ValueAt(Schema):
    date: dt.date
    value: float


class SummaryRow(Schema):
    system: str
    system_name: str
    market: str
    currency: str
    latest: ValueAt
    year_ago: ValueAt | None
    change_1y: float | None
    change_1y_pct: float | None
    min: ValueAt
    max: ValueAt
    annual_mean: dict[int, float]
    observations: int
    rate_estimated: bool


class SummaryOut(Schema):
    query: dict
    data: list[SummaryRow]


class ErrorOut(Schema):
    error: dict


def _query(params: PriceParams):
    try:
        return explorer.query_from_params(params.dict())
    except QueryError as exc:
        raise ApiError(400, "invalid_parameter", exc.message, field=exc.field) from None


@router.get("/prices", response={200: PricesOut, 400: ErrorOut}, summary="Allowance prices in long format")
def prices(request, params: QueryParams[PriceParams]):
    """Prices per system, date, market and series, optionally converted (rate of the date, else nearest earlier: flagged) and averaged by period."""
    query = _query(params)
    frame = explorer.table(query)
    # Serialised directly: the schema above documents it, and validating 50,000 rows one by one is slow.
    return JsonResponse({"query": explorer.query_dict(query), "count": len(frame), "data": explorer.records(frame)})


@router.get("/prices/summary", response={200: SummaryOut, 400: ErrorOut}, summary="Price summary per system and market")
def prices_summary(request, params: QueryParams[PriceParams]):
    """Latest value and date, change over one year, annual means, minimum and maximum, from daily prices."""
    query = _query(params)
    return {"query": explorer.query_dict(query), "data": explorer.summary(query)}
