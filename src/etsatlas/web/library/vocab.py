"""The library's controlled vocabularies: resource types, design topics, languages, date precision.

Each is declared once here; forms, filters, facets, feeds and the API read these tables.
"""

from __future__ import annotations

RESOURCE_TYPES: dict[str, str] = {
    "guide": "Guide",
    "status_report": "Status report",
    "handbook": "Handbook",
    "brief": "Brief",
    "paper": "Paper",
    "news": "News",
    "statement": "Statement",
    "presentation": "Presentation",
    "dataset": "Dataset",
}

# Relevance prior by type: when two resources match a query about equally well, the fuller
# reference (a guide or handbook) comes before a brief or a news item. Multiplies the text rank.
TYPE_WEIGHTS: dict[str, float] = {
    "guide": 1.25, "handbook": 1.2, "status_report": 1.1, "paper": 1.0, "brief": 1.0,
    "dataset": 1.0, "presentation": 0.9, "statement": 0.9, "news": 0.8,
}

TOPICS: dict[str, str] = {
    "overview": "Overview of emissions trading",
    "cap_setting": "Cap setting",
    "allocation": "Allocation",
    "offsets": "Offsets",
    "price_management": "Price management",
    "linking": "Linking",
    "mrv": "Monitoring, reporting and verification (MRV)",
    "revenue_use": "Revenue use",
    "electricity": "Electricity",
    "carbon_leakage": "Carbon leakage",
    "removals": "Removals",
    "market_oversight": "Governance and market oversight",
}

LANGUAGES: dict[str, str] = {
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "de": "German",
    "zh": "Chinese",
    "ja": "Japanese",
    "ko": "Korean",
    "pt": "Portuguese",
    "ru": "Russian",
    "tr": "Turkish",
    "uk": "Ukrainian",
}

DATE_PRECISIONS: dict[str, str] = {"day": "Day", "month": "Month", "year": "Year"}

# The kinds of tag a resource carries; each is a facet of the library page.
TAG_KINDS: dict[str, dict[str, str] | None] = {"topic": TOPICS, "system": None, "language": LANGUAGES}


def choices(table: dict[str, str]) -> list[tuple[str, str]]:
    return list(table.items())
