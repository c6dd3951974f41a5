"""Shared fixtures: named domain objects and a seeded database."""

from __future__ import annotations

import pytest

from etsatlas.schema.loading import load_factsheets


@pytest.fixture(scope="session")
def factsheets():
    """Every curated factsheet, validated."""
    return load_factsheets()


@pytest.fixture(scope="session")
def eu_ets(factsheets):
    return next(s for s in factsheets if s.id == "eu-ets")


@pytest.fixture
def seeded(db, factsheets):
    """A database holding every curated factsheet."""
    from etsatlas.web.atlas.seeding import seed_systems

    seed_systems(factsheets)
    return factsheets
