"""Controlled vocabularies of a factsheet, each value with the label and description users see.

Declared once here; the schema, the filters, the API enums and the docs are derived from it.
"""

from __future__ import annotations

from enum import Enum


class Vocabulary(str, Enum):
    """A string enum whose members carry a human label and a description."""

    label: str
    description: str

    def __new__(cls, value: str, label: str, description: str) -> Vocabulary:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.description = description
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


class Status(Vocabulary):
    IN_FORCE = ("in_force", "In force", "Legally established and operating, with compliance obligations.")
    UNDER_DEVELOPMENT = (
        "under_development",
        "Under development",
        "Being legislated or built, with a decision to implement taken.",
    )
    UNDER_CONSIDERATION = (
        "under_consideration",
        "Under consideration",
        "Considered as a policy option; no decision to implement yet.",
    )
    ABOLISHED = ("abolished", "Abolished", "Repealed, ended or replaced by another system.")


class Level(Vocabulary):
    SUPRANATIONAL = ("supranational", "Supranational", "Spans several countries (e.g. the EU).")
    NATIONAL = ("national", "National", "Run by a national government.")
    SUBNATIONAL = ("subnational", "Subnational", "Run by a state, province or region, alone or jointly.")
    MUNICIPAL = ("municipal", "Municipal", "Run by a city or metropolitan government.")


class Region(Vocabulary):
    AFRICA = ("africa", "Africa", "Africa.")
    ASIA = ("asia", "Asia", "Asia, including the Middle East.")
    EUROPE = ("europe", "Europe", "Europe.")
    EURASIA = ("eurasia", "Europe/Asia", "Jurisdictions spanning Europe and Asia.")
    NORTH_AMERICA = ("north_america", "North America", "North America, including Mexico.")
    SOUTH_AMERICA = ("south_america", "South America", "South America.")
    OCEANIA = ("oceania", "Oceania", "Australia, New Zealand and the Pacific.")


class Mechanism(Vocabulary):
    CAP_AND_TRADE = (
        "cap_and_trade",
        "Cap-and-trade",
        "An absolute cap on covered emissions; allowances are allocated or auctioned and traded.",
    )
    BASELINE_AND_CREDIT = (
        "baseline_and_credit",
        "Baseline-and-credit",
        "Facilities earn credits below a baseline (often an intensity benchmark) and owe units above it.",
    )
    INTENSITY_BASED = (
        "intensity_based",
        "Intensity-based",
        "The total allowance volume follows output through intensity benchmarks; no fixed absolute cap.",
    )
    FIXED_PRICE_TRANSITIONAL = (
        "fixed_price_transitional",
        "Fixed-price (transitional)",
        "Units sold at a fixed or capped price for a transition period before free price formation.",
    )


class Sector(Vocabulary):
    POWER = ("power", "Power and heat", "Electricity and heat generation.")
    INDUSTRY = ("industry", "Industry", "Manufacturing, industrial processes and energy-intensive industry.")
    BUILDINGS = ("buildings", "Buildings", "Fuel use in residential and commercial buildings.")
    TRANSPORT = ("transport", "Road transport", "Road and other land transport fuels.")
    AVIATION = ("aviation", "Aviation", "Domestic and/or international flights.")
    MARITIME = ("maritime", "Maritime", "Shipping.")
    WASTE = ("waste", "Waste", "Waste treatment and incineration.")
    FORESTRY = ("forestry", "Forestry", "Forestry and land-use removals or emissions.")
    AGRICULTURE = ("agriculture", "Agriculture", "Agricultural emissions.")
    FUELS = ("fuels", "Fuel supply (upstream)", "Fuel suppliers obliged for the emissions of the fuels they sell.")
    DOMESTIC = ("domestic", "Other energy use", "Other covered energy use (commercial, public, mining, etc.).")


class Gas(Vocabulary):
    CO2 = ("CO2", "CO₂", "Carbon dioxide.")
    CH4 = ("CH4", "CH₄", "Methane.")
    N2O = ("N2O", "N₂O", "Nitrous oxide.")
    HFCS = ("HFCs", "HFCs", "Hydrofluorocarbons.")
    PFCS = ("PFCs", "PFCs", "Perfluorocarbons.")
    SF6 = ("SF6", "SF₆", "Sulphur hexafluoride.")
    NF3 = ("NF3", "NF₃", "Nitrogen trifluoride.")
    OTHER_F = ("other_f", "Other F-gases", "Other fluorinated greenhouse gases.")


class CapType(Vocabulary):
    ABSOLUTE = ("absolute", "Absolute", "A fixed tonnage of allowances per period.")
    INTENSITY = ("intensity", "Intensity-based", "Allowances follow output times an emission-intensity benchmark.")
    NONE = ("none", "No cap", "No system-wide cap (e.g. baseline-and-credit without an aggregate limit).")


class Permission(Vocabulary):
    ALLOWED = ("allowed", "Allowed", "Allowed without a stated limit.")
    LIMITED = ("limited", "Limited", "Allowed within limits.")
    NOT_ALLOWED = ("not_allowed", "Not allowed", "Not allowed.")


class LinkType(Vocabulary):
    TWO_WAY = ("two_way", "Two-way link", "Units of each system are valid for compliance in the other.")
    ONE_WAY = ("one_way", "One-way link", "Units of the partner are accepted here, but not the reverse.")
    RESTRICTED = ("restricted", "Restricted link", "A link with quantitative or qualitative limits.")
    MERGED = ("merged", "Integrated / replaced", "One system is folded into or replaced by the other.")
    NEGOTIATING = ("negotiating", "Under negotiation", "Parties are negotiating or working towards a link.")
    ENDED = ("ended", "Ended", "A former link that no longer operates.")


class Market(Vocabulary):
    PRIMARY = ("primary", "Primary (auction)", "Prices from government auctions or sales.")
    SECONDARY = ("secondary", "Secondary", "Prices from exchanges or over-the-counter trading.")
    OTHER = ("other", "Other", "Another reference (fund payment, fixed price, range).")


class Section(Vocabulary):
    IDENTITY = ("identity", "Identity", "Names, jurisdictions, level, region and mechanism.")
    STATUS = ("status", "Status", "Current status and its history.")
    SCOPE = ("scope", "Scope and coverage", "Sectors, gases, thresholds, entities, coverage.")
    CAP = ("cap", "Cap", "Cap type, values and trajectory.")
    ALLOCATION = ("allocation", "Allocation", "Allocation methods and auction share.")
    FLEXIBILITY = ("flexibility", "Flexibility", "Banking, borrowing and offsets.")
    PRICE_MANAGEMENT = ("price_management", "Price and supply management", "Floors, reserves, ceilings, MSR.")
    COMPLIANCE = ("compliance", "Compliance", "Compliance period, deadline and penalty.")
    MRV = ("mrv", "MRV", "Monitoring, reporting and verification.")
    OVERSIGHT = ("oversight", "Market oversight", "Market oversight and participation rules.")
    LINKS = ("links", "Links", "Links with other systems.")
    REVENUE = ("revenue", "Revenue", "Revenue raised and its use.")
    PRICES = ("prices", "Latest price", "Latest observed prices.")
