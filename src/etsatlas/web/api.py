"""The versioned JSON API (/api/v1/): one NinjaAPI, one router per area, one error shape.

Every error leaves as {"error": {"status", "code", "message", "field"?, "details"?}}.
"""

from __future__ import annotations

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from .. import __version__
from .accounts.api import router as accounts_router
from .analysis.api import router as analysis_router
from .atlas.api import router as atlas_router
from .core.errors import ApiError, error_response
from .library.api import router as library_router
from .linking.api import router as linking_router
from .partnership.api import router as partnership_router
from .prices.api import router as prices_router

api = NinjaAPI(
    title="ETS Atlas API",
    version=f"1 ({__version__})",
    description="Open data on emissions trading systems: factsheets, prices, simulation, linking.",
    urls_namespace="api-v1",
    docs_url="/docs",
)

for router, tag in [
    (atlas_router, "systems"),
    (prices_router, "prices"),
    (analysis_router, "simulation"),
    (linking_router, "linking"),
    (library_router, "library"),
    (partnership_router, "partnership"),
    (accounts_router, "accounts"),
]:
    api.add_router("/", router, tags=[tag])


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return error_response(exc.status, exc.code, exc.message, field=exc.field, details=exc.details)


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    errors = exc.errors
    first = errors[0] if errors else {}
    loc = [str(p) for p in first.get("loc", []) if p not in {"query", "body", "path"}]
    field = ".".join(loc) or None
    message = f"invalid value for {field}: {first.get('msg', 'invalid input')}" if field else "invalid input"
    return error_response(400, "invalid_parameter", message, field=field, details=errors)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error_response(404, "not_found", str(exc) or "not found")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return error_response(401, "unauthenticated", "authentication required: send 'Authorization: Bearer <token>'")


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return error_response(exc.status_code, "error", str(exc))
