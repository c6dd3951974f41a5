"""Fuzz the whole API from its OpenAPI schema: no 5xx, and every documented response conforms.

Bounded: 20 examples per operation, derandomised so a failure reproduces.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from etsatlas.web.accounts import workflow
from etsatlas.web.accounts.testing import make_token, make_user
from etsatlas.web.atlas.models import System
from etsatlas.web.atlas.seeding import seed_systems

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def keep_connection():
    """Like Django's test client: serving a request must not close the test's database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(db, factsheets, keep_connection):
    """Two systems, a published second version, an open draft, and an administrator's token."""
    seed_systems([s for s in factsheets if s.id in {"eu-ets", "uk-ets"}])
    admin = make_user("ada", "admin", password=None)
    draft = workflow.save_draft(admin, "eu-ets", {**System.objects.get(pk="eu-ets").data, "phase": "P2"})
    workflow.submit(admin, draft)
    workflow.approve(admin, draft)
    workflow.save_draft(admin, "eu-ets", {**System.objects.get(pk="eu-ets").data, "phase": "P3"})
    return make_token(admin)


# Known schema gaps, reported to the owner: only "no 5xx" is checked on these until fixed.
KNOWN_GAPS: dict[tuple[str, str], str] = {}


@schema.parametrize()
@settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_never_fails_and_conforms(case, admin_token):
    checks = [not_a_server_error]
    if (case.method.upper(), case.path) not in KNOWN_GAPS:
        checks += [response_schema_conformance, content_type_conformance]
    case.call_and_validate(headers={"Authorization": f"Bearer {admin_token}"}, checks=checks)
