"""API routes of the simulator (mounted under /api/v1/ by etsatlas.web.api).

POST /simulate takes the same scenario document as `etsatlas simulate` and answers with the
same JSON. Limits: a 256 KB body, 20,000 Monte Carlo samples (and 400,000 sample-systems),
and 10 seconds of computing; beyond them the answer is an error, never a partial result.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from ninja import Query, Router, Schema

from etsatlas.market import ScenarioError, SolveError
from etsatlas.market.calibration import prefill
from etsatlas.market.document import run_document
from etsatlas.market.scenario import Scenario

from ..core.errors import ApiError

router = Router()

MAX_BODY = 256 * 1024
MAX_SAMPLES = 20_000
MAX_SAMPLE_SYSTEMS = 400_000
TIME_LIMIT = 10.0
_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="simulate")


class SimulateQuery(Schema):
    samples: int = 0
    seed: int = 0
    curves: bool = False


def _document(body: bytes) -> Any:
    if len(body) > MAX_BODY:
        raise ApiError(413, "payload_too_large", f"scenario documents are limited to {MAX_BODY // 1024} KB")
    try:
        return json.loads(body or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(400, "invalid_json", f"the body is not valid JSON: {exc}") from None


@router.post(
    "/simulate",
    summary="Run a market scenario: autarky and linked equilibria, or a banking horizon",
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": Scenario.model_json_schema()}}}},
)
def simulate(request, query: Query[SimulateQuery]):
    data = _document(request.body)
    if not 0 <= query.samples <= MAX_SAMPLES:
        raise ApiError(400, "invalid_parameter", f"samples must be between 0 and {MAX_SAMPLES:,}", field="samples")
    systems = data.get("systems") if isinstance(data, dict) else None
    if query.samples * len(systems or []) > MAX_SAMPLE_SYSTEMS:
        raise ApiError(400, "invalid_parameter", f"samples x systems is limited to {MAX_SAMPLE_SYSTEMS:,}", field="samples")
    future = _pool.submit(run_document, data, samples=query.samples, seed=query.seed, with_curves=query.curves)
    try:
        return future.result(timeout=TIME_LIMIT)
    except FutureTimeout:
        future.cancel()
        raise ApiError(503, "time_limit_exceeded", f"the simulation took longer than {TIME_LIMIT:g} s: use fewer samples or links") from None
    except ScenarioError as exc:
        raise ApiError(400, exc.code, exc.message, field=exc.field) from None
    except SolveError as exc:
        raise ApiError(422, "no_equilibrium", str(exc)) from None


class PrefillQuery(Schema):
    systems: str
    bau_margin_pct: float = 10.0


@router.get("/simulate/prefill", summary="Scenario systems prefilled from knowledge-base factsheets")
def prefill_systems(request, query: Query[PrefillQuery]):
    from ..atlas.store import snapshot
    from .prefill import known_values

    by_id = snapshot().by_id
    ids = [s for s in (x.strip() for x in query.systems.split(",")) if s]
    unknown = [s for s in ids if s not in by_id]
    if unknown:
        raise ApiError(404, "not_found", f"no system with id {', '.join(map(repr, unknown))}", field="systems")
    if not ids or len(ids) > 20:
        raise ApiError(400, "invalid_parameter", "give between 1 and 20 system ids", field="systems")
    return {"systems": [prefill(known_values(by_id[s]), bau_margin_pct=query.bau_margin_pct) for s in ids]}
