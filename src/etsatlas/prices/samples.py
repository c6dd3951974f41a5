"""A small synthetic ICAP export in any supported vintage, for tests, docs and demos.

The numbers are invented (ICAP's data may not be redistributed); the layout is the real one:
system names over column groups, separator columns holding a space, unsorted dates.
"""

from __future__ import annotations

import csv
import io

# (title, currency, [(header, {date: value})])
_GROUPS = [
    ("Québec Cap-and-Trade System", "CAD", [
        ("Primary Market", {"2024-02-21": 42.5, "2024-05-15": 44.0}),
        ("Primary Stability 1", {"2024-02-21": 32.5, "2024-05-15": 32.5}),
        ("Primary Stability 4", {"2024-02-21": 120.4, "2024-05-15": 120.4}),
    ]),
    ("European Union Emissions Trading System (until 2018)", "EUR", [
        ("Primary Market", {"2018-12-14": 24.1, "2018-12-17": 24.3}),
    ]),
    ("European Union Emissions Trading System (from 2019, download)", "EUR", [
        ("Primary Market", {"2019-01-07": 23.9, "2024-02-21": 60.2}),
        ("Secondary Market", {"2019-01-07": 24.0, "2024-02-21": 61.0}),
    ]),
    ("New Zealand Emissions Trading System (Up to 2023)", "NZD", [
        ("Secondary Market", {"2020-06-01": 33.5, "2023-09-29": 58.0}),
        ("Secondary Stability 5", {"2020-06-01": 35.0}),
    ]),
]
# Value of one unit in EUR and USD, per currency (constant: good enough for a sample).
RATES = {"CAD": (0.68, 0.74), "EUR": (1.0, 1.08), "NZD": (0.56, 0.61)}


def sample_rows(*, day_first: bool = False, accents: bool = True, reference: bool = False) -> list[list[str]]:
    titles, headers = [""], ["Date"]
    columns: list[tuple[str, str, str, dict[str, float] | None]] = []  # (kind, currency, header, values)
    for title, currency, series in _GROUPS:
        group_headers = [f"Exchange rate {currency}/EUR", f"Exchange rate {currency}/USD", "Market Currency"]
        group_headers += [h for h, _ in series] + (["Reference Market"] if reference else [])
        name = title if accents else title.replace("é", "e")
        titles += [name] + [""] * (len(group_headers) - 1) + [" "]
        headers += group_headers + [" "]
        dates = {d: 0.0 for _, values in series for d in values}  # rates and currency on every date of the group
        columns += [("eur", currency, "", dates), ("usd", currency, "", dates), ("cur", currency, "", dates)]
        columns += [("value", currency, h, v) for h, v in series]
        columns += [("value", currency, "Reference Market", {d: 1.0 for d in dates})] if reference else []
        columns += [("sep", "", "", None)]
    all_dates = sorted({d for _, _, series in _GROUPS for _, values in series for d in values}, key=lambda d: d[::-1])
    rows = [titles, headers]
    for date in all_dates:
        shown = f"{date[8:10]}/{date[5:7]}/{date[0:4]}" if day_first else date
        row = [shown]
        for kind, currency, _, values in columns:
            if kind == "sep":
                row.append(" ")
            elif values is None or date not in values:
                row.append("")
            elif kind == "eur":
                row.append(str(RATES[currency][0]))
            elif kind == "usd":
                row.append(str(RATES[currency][1]))
            elif kind == "cur":
                row.append(currency)
            else:
                row.append(f"{values[date]:g}")
        rows.append(row)
    return rows


def sample_export(*, day_first: bool = False, accents: bool = True, reference: bool = False, encoding: str = "utf-8") -> bytes:
    """The sample as the bytes of a CSV file."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(sample_rows(day_first=day_first, accents=accents, reference=reference))
    return out.getvalue().encode(encoding)
