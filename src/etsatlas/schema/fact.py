"""A value that may be unknown or uncertain.

Factsheets mix confirmed numbers, values no source fully confirmed, and gaps. `Fact` keeps
the three apart: `value=None` is unknown (shown as such, never guessed), `uncertain=True`
is shown with a mark. In YAML a plain value is shorthand for a certain fact.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

T = TypeVar("T")


class Fact(BaseModel, Generic[T]):
    """A value, whether a source confirmed it, and an optional qualifying note."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: T | None = Field(None, description="The value; null when unknown.")
    uncertain: bool = Field(False, description="True when no retrieved source fully confirmed the value.")
    note: str | None = Field(None, description="A qualification of the value (period, basis, caveat).")

    @model_validator(mode="before")
    @classmethod
    def _accept_plain_value(cls, data: Any) -> Any:
        if isinstance(data, dict) and set(data) <= {"value", "uncertain", "note"}:
            return data
        return {"value": data}

    @property
    def known(self) -> bool:
        return self.value is not None

    def __str__(self) -> str:
        if self.value is None:
            return "unknown"
        return f"{self.value} (uncertain)" if self.uncertain else str(self.value)


def fact_value(fact: Fact[Any] | None) -> Any:
    """The plain value of an optional fact, None when absent or unknown."""
    return None if fact is None else fact.value
