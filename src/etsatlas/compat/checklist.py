"""The checklist: the assessment reordered along the phases of a linking process.

Phases follow the usual sequence of a link: weigh benefits and risks, choose a pathway (from a
restricted or one-way link to a full link), align the designs, write the linking agreement,
then manage the joint market together. Each item points to the elements it comes from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .preview import Preview
from .status import Status, worst

# (phase key, title, elements reviewed in that phase)
PHASES: list[tuple[str, str, tuple[str, ...]]] = [
    ("benefits_and_risks", "Benefits and risks", ("ambition", "cap_type")),
    ("pathway", "Pathway: from a restricted to a full link", ()),
    ("design_alignment", "Design alignment", (
        "price_floor", "price_ceiling", "market_stability", "offsets", "banking_borrowing",
        "compliance_timing", "penalties", "scope", "allocation",
    )),
    ("linking_agreement", "Linking agreement", ("legal_basis", "currency", "mrv", "registry")),
    ("joint_management", "Joint management of the linked market", ("oversight", "market_stability")),
]


@dataclass(frozen=True)
class ElementView:
    """What the checklist needs from an assessed element."""

    key: str
    title: str
    status: Status
    first_option: str
    missing: str = ""  # unknown fields, e.g. "qc-cat: flexibility.banking"


def item_text(element: ElementView) -> str:
    if element.status == Status.ALIGNED:
        return f"{element.title}: aligned, keep aligned."
    if element.status == Status.NOT_ENOUGH_DATA:
        gaps = f" Missing: {element.missing}." if element.missing else ""
        return f"{element.title}: complete the data before judging.{gaps}"
    if element.status == Status.BARRIER:
        return f"{element.title}: resolve before a full link. {element.first_option}"
    return f"{element.title}: align. {element.first_option}"


def pathway(overall: Status, linked_since: str | None) -> str:
    if linked_since:
        return f"The systems are already linked (since {linked_since}); review the link as designs evolve."
    return {
        Status.BARRIER: "Start with a restricted or one-way link, or remove the barriers first; a full link is not yet in reach.",
        Status.NEEDS_ALIGNMENT: "Align the designs, possibly through a restricted link first, then move to a full two-way link.",
        Status.NOT_ENOUGH_DATA: "Complete the missing data before choosing a pathway.",
        Status.ALIGNED: "A full two-way link is in reach; agree the linking terms.",
    }[overall]


def preview_items(preview: Preview) -> list[dict[str, Any]]:
    if preview.price_range is None:
        return [{"text": f"Economic preview not available: {preview.reason}. {preview.method}", "status": None, "elements": ["ambition"]}]
    low, high = preview.price_range
    flows = (f"allowances would flow from {', '.join(preview.sellers)} to {', '.join(preview.buyers)}"
             if preview.sellers else "prices are equal, so no large flows are expected")
    if preview.flows_mt is not None:
        sizes = ", ".join(f"{i} {v:+g} Mt" for i, v in preview.flows_mt.items())
        joint = f"; linked price {preview.linked_price:g} {preview.currency}" if preview.linked_price is not None else ""
        flows += f" (net imports: {sizes}{joint})"
    note = f" ({preview.reason})" if preview.reason else ""
    return [{
        "text": f"Linked price between {low:g} and {high:g} {preview.currency}; {flows}. {preview.method}{note}",
        "status": None,
        "elements": ["ambition"],
    }]


def build(elements: Mapping[str, ElementView], overall: Status, preview: Preview, linked_since: str | None) -> list[dict[str, Any]]:
    """The checklist: one entry per phase with its items and the worst status among them."""
    out = []
    for key, title, element_keys in PHASES:
        items = [{"text": item_text(elements[k]), "status": elements[k].status.value, "elements": [k]}
                 for k in element_keys if k in elements]
        if key == "benefits_and_risks":
            items += preview_items(preview)
        if key == "pathway":
            items.append({"text": pathway(overall, linked_since), "status": overall.value, "elements": []})
        statuses = [Status(i["status"]) for i in items if i["status"]]
        out.append({"phase": key, "title": title, "status": worst(statuses).value, "items": items})
    return out
