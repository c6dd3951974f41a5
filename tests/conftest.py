"""Shared fixtures: named domain objects and a seeded database."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from etsatlas.schema.loading import load_factsheets

# Timing limits would make property tests flaky on a loaded 2-core machine; in CI the
# examples are derandomized so a run is reproducible (a failure there repeats locally with
# HYPOTHESIS_PROFILE=ci).
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


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


@pytest.fixture
def eu_ets_published(db, eu_ets):
    """Only the EU ETS factsheet published (for areas that link to one system)."""
    from etsatlas.web.atlas.models import System

    row = System(id=eu_ets.id)
    row.apply(eu_ets)
    row.save()
    return eu_ets
