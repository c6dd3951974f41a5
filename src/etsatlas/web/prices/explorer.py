"""What the page, the API and the downloads share: one query, one table, one chart payload."""

from __future__ import annotations

import io
import json
from typing import Any

import pandas as pd

from etsatlas.prices import Query, make_query, run, summarise
from etsatlas.prices.levels import PRICE, level_label

from .data import frames

DEFAULT_SYSTEMS = ["eu-ets", "uk-ets", "cn-ets", "kr-ets", "nz-ets", "ca-cat", "rggi"]
EXPORT_COLUMNS = ["system", "system_name", "date", "market", "series", "value", "currency", "rate_estimated"]


def system_names() -> dict[str, str]:
    try:
        from etsatlas.web.atlas.store import snapshot

        return {s.id: s.display_name for s in snapshot().sheets}
    except Exception:  # the knowledge base is optional for prices (not seeded yet)
        return {}


def available_systems() -> list[str]:
    observations, _ = frames()
    return sorted(observations["system"].unique())


def query_from_params(params: dict[str, Any], *, page: bool = False) -> Query:
    """Validate request parameters (QueryError names the bad one). The page has friendlier defaults."""
    known = set(available_systems())
    systems = params.get("systems")
    if page and not systems:
        systems = [s for s in DEFAULT_SYSTEMS if s in known] or sorted(known)[:5]
    series = params.get("series") or PRICE
    if page and params.get("levels"):
        series = "all"
    return make_query(
        systems=systems, market=params.get("market"), series=series,
        currency=params.get("currency") or ("EUR" if page else "native"), start=params.get("start"),
        end=params.get("end"), freq=params.get("freq") or ("monthly" if page else "daily"), known_systems=known,
    )


def table(query: Query) -> pd.DataFrame:
    observations, rates = frames()
    return run(observations, rates, query)


def summary(query: Query) -> list[dict[str, Any]]:
    """Summary over daily values (whatever the chart's frequency), so averages are of real prices."""
    observations, rates = frames()
    daily = run(observations, rates, Query(query.systems, query.markets, (PRICE,), query.currency, query.start, query.end, "daily"))
    names = system_names()
    rows = summarise(daily)
    for row in rows:
        row["system_name"] = names.get(row["system"], row["system"])
    return rows


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = frame.assign(date=frame["date"].dt.strftime("%Y-%m-%d"))
    return out.to_dict("records")


def chart(frame: pd.DataFrame) -> dict[str, Any]:
    """Plotly-ready traces: one per system, market and series; levels are step lines."""
    names = system_names()
    traces = []
    for (system, market, series), g in frame.groupby(["system", "market", "series"], sort=True):
        label = names.get(system, system)
        traces.append({
            "name": f"{label} · {market}" + ("" if series == PRICE else f" · {level_label(series)}"),
            "system": system, "market": market, "series": series, "level": series != PRICE,
            "x": g["date"].dt.strftime("%Y-%m-%d").tolist(),
            "y": [None if pd.isna(v) else round(float(v), 6) for v in g["value"]],
            "currency": g["currency"].iloc[0],
        })
    currencies = sorted({t["currency"] for t in traces})
    unit = f"{currencies[0]} per tonne" if len(currencies) == 1 else "native currency per tonne"
    return {"traces": traces, "unit": unit}


def export(frame: pd.DataFrame, fmt: str, query: Query) -> tuple[bytes, str]:
    """The shown table as CSV, XLSX or JSON: (content, content type)."""
    names = system_names()
    out = frame.assign(system_name=frame["system"].map(lambda s: names.get(s, s)), date=frame["date"].dt.date)[EXPORT_COLUMNS]
    if fmt == "csv":
        return out.to_csv(index=False).encode(), "text/csv; charset=utf-8"
    if fmt == "json":
        body = {"query": query_dict(query), "data": records(out.assign(date=pd.to_datetime(out["date"])))}
        return json.dumps(body, ensure_ascii=False, default=str).encode(), "application/json"
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        out.to_excel(writer, sheet_name="prices", index=False)
        pd.DataFrame([{"parameter": k, "value": str(v)} for k, v in query_dict(query).items()]).to_excel(writer, sheet_name="query", index=False)
    return buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def query_dict(query: Query) -> dict[str, Any]:
    return {
        "systems": list(query.systems), "market": list(query.markets) or "all", "series": list(query.series) or "all",
        "currency": query.currency, "start": query.start.isoformat() if query.start else None,
        "end": query.end.isoformat() if query.end else None, "freq": query.freq,
    }
