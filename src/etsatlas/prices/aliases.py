"""ICAP system names -> knowledge-base system ids.

ICAP's long names drift between exports: accents come and go ("Québec"/"Quebec"), and a
parenthesised suffix tells which part of a split history a column group holds ("(until 2018)",
"(from 2019, download)", "(Up to 2023)", "(2017-2018)"). `parse_group_name` strips those
suffixes before the lookup; `ALIASES` lists each base name once, in its normalised form.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Normalised base name (lower case, no accents, no period/download suffix) -> canonical id.
ALIASES: dict[str, str] = {
    "european union emissions trading system": "eu-ets",
    "eu emissions trading system": "eu-ets",
    "united kingdom emissions trading scheme": "uk-ets",
    "uk emissions trading scheme": "uk-ets",
    "switzerland emissions trading system": "ch-ets",
    "swiss emissions trading system": "ch-ets",
    "german national emissions trading system": "de-nehs",
    "austrian national emissions trading system": "at-nehs",
    "montenegro emissions trading system": "me-ets",
    "kazakhstan emissions trading system": "kz-ets",
    "korean emissions trading system": "kr-ets",
    "korea emissions trading scheme": "kr-ets",
    "china national emissions trading system": "cn-ets",
    "beijing (pilot) emissions trading system": "cn-beijing",
    "tianjin (pilot) emissions trading system": "cn-tianjin",
    "shanghai (pilot) emissions trading system": "cn-shanghai",
    "guangdong (pilot) emissions trading system": "cn-guangdong",
    "shenzhen (pilot) emissions trading system": "cn-shenzhen",
    "hubei (pilot) emissions trading system": "cn-hubei",
    "chongqing (pilot) emissions trading system": "cn-chongqing",
    "fujian (pilot) emissions trading system": "cn-fujian",
    "new zealand emissions trading scheme": "nz-ets",
    "new zealand emissions trading system": "nz-ets",
    "california cap-and-trade program": "ca-cat",
    "california cap-and-invest program": "ca-cat",
    "quebec cap-and-trade system": "qc-cat",
    "ontario cap-and-trade program": "on-cat",
    "nova scotia cap-and-trade program": "ns-cat",
    "washington cap-and-invest program": "wa-cci",
    "regional greenhouse gas initiative": "rggi",
}

# "(Pilot)" is written by some exports and not by others: look names up without it.
_LOOKUP = {name.replace("(pilot) ", ""): system for name, system in ALIASES.items()}

# A trailing "(...)" that names a period or a download variant, not part of the system's name.
_SUFFIX = re.compile(
    r"\s*\((?P<body>[^()]*(?:\d{4}|download|until|from|up to)[^()]*)\)\s*$", re.IGNORECASE
)


@dataclass(frozen=True)
class GroupName:
    """An ICAP column-group title split into its parts."""

    title: str  # as written in the file
    base: str  # normalised, suffixes removed
    period: str  # "until 2018", "from 2019", "" ...
    download: bool  # a "(download)" group, which may duplicate a chart series

    @property
    def system_id(self) -> str | None:
        return _LOOKUP.get(self.base.replace("(pilot) ", ""))


def normalise(text: str) -> str:
    """Lower case, accents removed, dashes and spaces unified: 'Québec  Cap–and-Trade' -> 'quebec cap-and-trade'."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("\u2013", "-").replace("\u2014", "-").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", plain).strip().lower()


def parse_group_name(title: str) -> GroupName:
    """Split "European Union Emissions Trading System (from 2019, download)" into base, period, download."""
    base = normalise(title)
    periods: list[str] = []
    download = False
    while (match := _SUFFIX.search(base)) is not None:
        parts = [p.strip() for p in match.group("body").split(",")]
        download = download or "download" in parts
        periods = [p for p in parts if p and p != "download"] + periods
        base = base[: match.start()].strip()
    return GroupName(title=title, base=base, period=", ".join(periods), download=download)


def system_id_for(title: str) -> str | None:
    """The canonical id for an ICAP group title, or None when the name is unknown."""
    return parse_group_name(title).system_id
