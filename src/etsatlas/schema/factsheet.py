"""The factsheet of one emissions trading system: the single source of truth.

These models validate the curated YAML, shape the API and are published as JSON Schema at
/api/v1/schema/factsheet.json. Every field has a description (a test enforces it).
Units: emissions and caps in MtCO2e unless `unit` says otherwise; prices per tonne in the
stated ISO 4217 currency; shares in percent (0-100).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    NonNegativeFloat,
    NonNegativeInt,
    model_validator,
)

from .fact import Fact
from .vocab import (
    CapType,
    Gas,
    Level,
    LinkType,
    Market,
    Mechanism,
    Permission,
    Region,
    Section,
    Sector,
    Status,
)

SYSTEM_ID_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
SystemId = Annotated[
    str, Field(pattern=SYSTEM_ID_PATTERN, min_length=2, max_length=40, description="Canonical system id, e.g. eu-ets.")
]


def _currency(code: str | None) -> str | None:
    if code is not None and (len(code) != 3 or not code.isalpha() or not code.isupper()):
        raise ValueError(f"{code!r} is not an ISO 4217 currency code (three capital letters, e.g. EUR)")
    return code


Currency = Annotated[str | None, AfterValidator(_currency)]


class Model(BaseModel):
    """Base of every factsheet part: unknown keys are errors, so typos cannot hide data."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class StatusChange(Model):
    status: Status = Field(description="The status entered.")
    year: int | None = Field(None, ge=1990, le=2100, description="Year of the change.")
    note: str | None = Field(None, description="What happened.")


class StatusInfo(Model):
    current: Status = Field(description="Current status.")
    uncertain: bool = Field(False, description="True when the current status is not fully confirmed.")
    start_year: Fact[int] | None = Field(None, description="Year compliance obligations started or are planned to.")
    end_year: Fact[int] | None = Field(None, description="Year the system ended (abolished systems).")
    note: str | None = Field(None, description="Context on the status and timing.")
    history: list[StatusChange] = Field(default_factory=list, description="Status changes in order.")

    @model_validator(mode="after")
    def _end_after_start(self) -> StatusInfo:
        start, end = self.start_year, self.end_year
        if start and end and start.value and end.value and end.value < start.value:
            raise ValueError(f"end_year {end.value} is before start_year {start.value}")
        return self


class SectorCoverage(Model):
    sector: Sector = Field(description="Sector code.")
    detail: str | None = Field(None, description="What exactly is covered in this sector.")


class Scope(Model):
    sectors: list[SectorCoverage] = Field(default_factory=list, description="Covered sectors.")
    sectors_uncertain: bool = Field(False, description="True when the sector list is not fully confirmed.")
    gases: list[Gas] = Field(default_factory=list, description="Covered greenhouse gases.")
    gases_uncertain: bool = Field(False, description="True when the gas list is not fully confirmed.")
    gases_note: str | None = Field(None, description="Qualification of gas coverage.")
    point_of_regulation: Fact[str] | None = Field(None, description="Upstream, downstream or hybrid, in words.")
    thresholds: Fact[str] | None = Field(None, description="Inclusion thresholds, in words.")
    entities: Fact[NonNegativeInt] | None = Field(None, description="Number of regulated entities, where stated.")
    entities_note: str | None = Field(None, description="Regulated entities, as described by the source.")
    coverage_share_pct: Fact[float] | None = Field(
        None, description="Share of the jurisdiction's GHG emissions covered, percent."
    )
    coverage_year: int | None = Field(None, ge=1990, le=2100, description="Year the coverage share refers to.")
    coverage_note: str | None = Field(None, description="Definition or source of the coverage share.")
    note: str | None = Field(None, description="Other scope notes (indirect emissions, opt-ins...).")

    @model_validator(mode="after")
    def _share_is_percent(self) -> Scope:
        share = self.coverage_share_pct
        if share and share.value is not None and not 0 <= share.value <= 100:
            raise ValueError(f"coverage_share_pct {share.value} is not between 0 and 100")
        return self


class CapValue(Model):
    year: int | None = Field(None, ge=1990, le=2100, description="Year of an annual cap.")
    period: str | None = Field(None, description="A multi-year period, when the value is not annual.")
    value: Fact[float] = Field(description="Cap value in `unit`.")
    unit: str = Field("MtCO2e", description="Unit of the value, e.g. MtCO2e or million short tons CO2.")


class Cap(Model):
    type: Fact[CapType] | None = Field(None, description="Absolute, intensity-based or none.")
    values: list[CapValue] = Field(default_factory=list, description="Cap values by year or period.")
    trajectory: str | None = Field(None, description="How the cap evolves over time, in words.")
    note: str | None = Field(None, description="Other cap notes.")

    def annual_mt(self, until_year: int | None = None) -> float | None:
        """The latest annual cap in MtCO2(e) (up to `until_year`), None when the data state none.

        Multi-year totals and other units (e.g. short tons) are left out rather than converted.
        """
        annual = [
            v for v in self.values
            if v.year is not None and v.period is None and v.value.value is not None
            and v.unit.lower().startswith(("mtco2", "mt co2")) and "short ton" not in v.unit.lower()
            and (until_year is None or v.year <= until_year)
        ]
        latest = max(annual, key=lambda v: v.year or 0, default=None)
        return float(latest.value.value) if latest is not None and latest.value.value is not None else None


class Allocation(Model):
    methods: list[str] = Field(default_factory=list, description="Allocation methods, in words.")
    auction_share_pct: Fact[NonNegativeFloat] | None = Field(None, description="Share of allowances auctioned, percent.")
    auction_share_note: str | None = Field(None, description="Qualification of the auction share.")
    note: str | None = Field(None, description="Other allocation notes (leakage protection...).")


class Offsets(Model):
    allowed: Fact[bool] | None = Field(None, description="Whether offset credits count for compliance.")
    limit_pct: Fact[float] | None = Field(
        None, description="Quantitative limit as a percent of each entity's obligation."
    )
    limits: str | None = Field(None, description="Eligibility and qualitative/quantitative limits, in words.")
    note: str | None = Field(None, description="Other offset notes.")


class Flexibility(Model):
    banking: Fact[Permission] | None = Field(None, description="Whether allowances can be saved for later periods.")
    banking_note: str | None = Field(None, description="Banking rules in words.")
    borrowing: Fact[Permission] | None = Field(None, description="Whether future allowances can be used early.")
    borrowing_note: str | None = Field(None, description="Borrowing rules in words.")
    offsets: Offsets | None = Field(None, description="Offset credits.")


class PriceLevel(Model):
    """A price-management instrument: whether it exists, its level and how it works."""

    exists: Fact[bool] = Field(description="Whether the instrument exists (false: explicitly none).")
    value: Fact[NonNegativeFloat] | None = Field(None, description="Price level per tonne, in `currency`.")
    currency: Currency = Field(None, description="ISO 4217 currency of `value`.")
    year: int | None = Field(None, ge=1990, le=2100, description="Year the level applies to.")
    description: str | None = Field(None, description="How it works, in words.")


class ReserveTier(Model):
    trigger_price: Fact[NonNegativeFloat] | None = Field(None, description="Price at which the tier releases supply.")
    currency: Currency = Field(None, description="ISO 4217 currency of the trigger price.")
    year: int | None = Field(None, ge=1990, le=2100, description="Year the trigger applies to.")
    volume_mt: Fact[NonNegativeFloat] | None = Field(None, description="Volume released, million allowances.")


class CostContainment(Model):
    exists: Fact[bool] = Field(description="Whether a cost-containment reserve exists.")
    tiers: list[ReserveTier] = Field(default_factory=list, description="Reserve tiers with trigger prices.")
    description: str | None = Field(None, description="How the reserve works, in words.")


class StabilityReserve(Model):
    exists: Fact[bool] = Field(description="Whether a quantity-based market stability mechanism exists.")
    description: str | None = Field(None, description="How it works, in words.")


class PriceManagement(Model):
    floor: PriceLevel | None = Field(None, description="Auction reserve price or price floor.")
    ceiling: PriceLevel | None = Field(None, description="Hard price ceiling.")
    cost_containment: CostContainment | None = Field(None, description="Cost-containment reserve.")
    emissions_containment: PriceLevel | None = Field(
        None, description="Emissions-containment reserve withholding supply below a trigger price."
    )
    stability_reserve: StabilityReserve | None = Field(None, description="Market stability reserve.")
    note: str | None = Field(None, description="Other price or supply management, in words.")

    @model_validator(mode="after")
    def _floor_below_ceiling(self) -> PriceManagement:
        floor, ceiling = self.floor, self.ceiling
        if floor and ceiling and floor.value and ceiling.value and floor.currency == ceiling.currency:
            if floor.value.value is not None and ceiling.value.value is not None:
                if floor.value.value > ceiling.value.value:
                    raise ValueError(f"floor {floor.value.value} is above ceiling {ceiling.value.value}")
        return self


class Penalty(Model):
    description: Fact[str] | None = Field(None, description="The penalty for non-compliance, in words.")
    amount: Fact[NonNegativeFloat] | None = Field(None, description="Fixed amount per tonne of shortfall, if any.")
    currency: Currency = Field(None, description="ISO 4217 currency of `amount`.")
    make_good: Fact[bool] | None = Field(
        None, description="Whether missing units must still be surrendered (without it, a penalty caps the price)."
    )


class Compliance(Model):
    period: Fact[str] | None = Field(None, description="Compliance period, in words (annual, 3-year...).")
    deadline: Fact[str] | None = Field(None, description="Surrender deadline, in words.")
    penalty: Penalty | None = Field(None, description="Penalty for non-compliance.")
    note: str | None = Field(None, description="Other compliance notes.")


class Governance(Model):
    mrv: Fact[str] | None = Field(None, description="Monitoring, reporting and verification rules, in words.")
    oversight: Fact[str] | None = Field(None, description="Market oversight and participation rules, in words.")
    legal_basis: Fact[str] | None = Field(None, description="Legal basis of the system.")
    body: Fact[str] | None = Field(None, description="Governing or administering body.")
    registry: Fact[str] | None = Field(None, description="Registry and unit tracking.")


class Link(Model):
    partner: str = Field(description="Partner system id (or name when the partner has no factsheet).")
    type: LinkType = Field(description="Kind of link.")
    since: dt.date | None = Field(None, description="Date the link took effect.")
    until: dt.date | None = Field(None, description="Date the link ended.")
    note: str | None = Field(None, description="Context of the link.")


class Revenue(Model):
    amount: Fact[NonNegativeFloat] | None = Field(None, description="Revenue amount in millions of `currency`.")
    currency: Currency = Field(None, description="ISO 4217 currency.")
    year: int | None = Field(None, ge=1990, le=2100, description="Year (or last year of a cumulative total).")
    cumulative: bool = Field(False, description="True when the amount is cumulative since the start.")
    use: str | None = Field(None, description="How revenue is used.")
    note: str | None = Field(None, description="Qualification.")


class PriceObservation(Model):
    value: Fact[NonNegativeFloat] | None = Field(None, description="Price per tonne; null for a range.")
    low: float | None = Field(None, ge=0, description="Lower end of a price range.")
    high: float | None = Field(None, ge=0, description="Upper end of a price range.")
    currency: Currency = Field(description="ISO 4217 currency.")
    date: dt.date | None = Field(None, description="Date of a single observation.")
    year: int | None = Field(None, ge=1990, le=2100, description="Year of an average.")
    market: Market | None = Field(None, description="Primary (auction), secondary or other.")
    basis: str = Field(description="What the figure is (auction price, annual average...).")
    source: str | None = Field(None, description="Where the figure comes from.")


class Source(Model):
    url: HttpUrl = Field(description="Address of the source.")
    as_of: dt.date = Field(description="Date the source was consulted or its information is valid for.")
    title: str | None = Field(None, description="Title of the source.")
    sections: list[Section] = Field(default_factory=list, description="Sections it supports (empty: general).")


class Factsheet(Model):
    """Everything ETS Atlas knows about one emissions trading system."""

    id: SystemId
    name: str = Field(min_length=3, description="Official name.")
    short_name: str | None = Field(None, description="Common short name, e.g. EU ETS.")
    jurisdictions: list[str] = Field(min_length=1, description="Jurisdictions whose entities are covered.")
    jurisdictions_uncertain: bool = Field(False, description="True when the jurisdiction list is not confirmed.")
    level: Level = Field(description="Level of government running the system.")
    region: Region = Field(description="World region.")
    mechanism: Fact[Mechanism] | None = Field(None, description="Mechanism type.")
    mechanism_note: str | None = Field(None, description="Qualification of the mechanism type.")
    summary: str | None = Field(None, description="A short description in our own words.")
    phase: str | None = Field(None, description="Current trading phase or period.")
    partnership: str | None = Field(None, description="Membership of the jurisdiction(s) in the partnership.")
    status: StatusInfo = Field(description="Status and its history.")
    scope: Scope = Field(default_factory=Scope, description="Scope and coverage.")
    cap: Cap = Field(default_factory=Cap, description="Cap.")
    allocation: Allocation = Field(default_factory=Allocation, description="Allocation.")
    flexibility: Flexibility = Field(default_factory=Flexibility, description="Banking, borrowing, offsets.")
    price_management: PriceManagement = Field(
        default_factory=PriceManagement, description="Price and supply management."
    )
    compliance: Compliance = Field(default_factory=Compliance, description="Compliance.")
    governance: Governance = Field(default_factory=Governance, description="MRV, oversight and legal basis.")
    links: list[Link] = Field(default_factory=list, description="Links with other systems.")
    revenue: list[Revenue] = Field(default_factory=list, description="Revenue raised.")
    latest_prices: list[PriceObservation] = Field(default_factory=list, description="Latest observed prices.")
    notes: list[str] = Field(default_factory=list, description="Other notes and recent developments.")
    as_of: dt.date = Field(description="Date the factsheet as a whole is current as of.")
    sources: list[Source] = Field(min_length=1, description="Sources, each with its as-of date.")

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def sources_for(self, section: Section) -> list[Source]:
        """Sources supporting a section, falling back to the general ones."""
        specific = [s for s in self.sources if section in s.sections]
        return specific or [s for s in self.sources if not s.sections]
