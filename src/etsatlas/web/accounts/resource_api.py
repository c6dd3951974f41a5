"""Library writes (mounted on the library router): add a resource, change one you may change.

Both need `Authorization: Bearer <token>` with the `resources:write` scope. Editors change only
the resources they added; reviewers and administrators change any. The body is checked here for
types, then by the same form as the editor's page (known system ids, date precision, unique id).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Path, Schema, Status
from pydantic import Field

from etsatlas.web.core.errors import ApiError
from etsatlas.web.library import vocab
from etsatlas.web.library.api import ResourceOut, resource_data
from etsatlas.web.library.api import router as library_router
from etsatlas.web.library.models import Resource

from . import permissions
from .api import ERRORS, _require_scope, token_auth
from .forms import ResourceEditForm
from .models import Scope

SLUG_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,119}$"
ResourceIdPath = Annotated[str, Path(pattern=SLUG_PATTERN, max_length=120, description="Resource id, e.g. icap-status-report-2025.")]
ResourceType = Literal[tuple(vocab.RESOURCE_TYPES)]
Topic = Literal[tuple(vocab.TOPICS)]
Language = Literal[tuple(vocab.LANGUAGES)]
Precision = Literal[tuple(vocab.DATE_PRECISIONS)]
SystemId = Annotated[str, Field(max_length=40, description="Factsheet id, e.g. eu-ets.")]


class ResourcePatch(Schema):
    """Fields to change; those left out keep their value, null clears an optional one."""

    title: str | None = Field(None, max_length=400)
    type: ResourceType | None = Field(None, description="One of the library's resource types.")
    date: dt.date | None = Field(None, description="Publication date; give date_precision with it.")
    date_precision: Precision | None = Field(None, description="How much of the date is known.")
    summary: str | None = Field(None, max_length=50_000, description="Markdown; sanitised when shown.")
    url: str | None = Field(None, max_length=500, description="External URL (http or https).")
    topics: list[Topic] | None = Field(None, max_length=len(vocab.TOPICS))
    systems: list[SystemId] | None = Field(None, max_length=50, description="Related factsheet ids.")
    languages: list[Language] | None = Field(None, max_length=len(vocab.LANGUAGES))


class ResourceIn(ResourcePatch):
    id: str = Field(pattern=SLUG_PATTERN, max_length=120, description="Stable id used in URLs, e.g. my-brief-2026.")
    title: str = Field(max_length=400)
    type: ResourceType = Field(description="One of the library's resource types.")


def _form_data(values: dict) -> dict:
    """The API's field names and types, as the resource form reads them."""
    data = {k: "" if v is None else v for k, v in values.items() if k not in {"id", "systems", "date"}}
    if "id" in values:
        data["slug"] = values["id"]
    if "date" in values:
        data["date"] = values["date"].isoformat() if values["date"] else ""
    if "systems" in values:
        data["systems"] = ", ".join(values["systems"] or [])
    return data


def _current(resource: Resource) -> dict:
    return {
        "title": resource.title, "type": resource.type, "date": resource.date, "date_precision": resource.date_precision,
        "summary": resource.summary, "url": resource.url, "topics": resource.topics, "systems": resource.systems,
        "languages": resource.languages,
    }


def _save(request, values: dict, instance: Resource | None = None) -> Resource:
    form = ResourceEditForm(_form_data(values), instance=instance)
    if not form.is_valid():
        field, errors = next(iter(form.errors.as_data().items()))
        name = {"slug": "id", "__all__": None}.get(field, field)
        raise ApiError(400, "invalid_parameter", f"invalid value for {name}: {errors[0].messages[0]}", field=name,
                       details=form.errors.get_json_data())
    return form.save_by(request.auth)


@library_router.post(
    "/resources", auth=token_auth, response={201: ResourceOut, **ERRORS}, tags=["library"],
    summary="Add a library resource",
)
def create_resource(request, body: ResourceIn):
    """Add a resource (any role; `resources:write` scope). It records the token's user as its creator."""
    _require_scope(request, Scope.RESOURCES_WRITE)
    if not permissions.can_create_resource(request.auth):
        raise ApiError(403, "forbidden", "only editors, reviewers and administrators may add resources")
    resource = _save(request, body.model_dump())
    return Status(201, resource_data(resource))


@library_router.patch(
    "/resources/{resource_id}", auth=token_auth, response={200: ResourceOut, **ERRORS}, tags=["library"],
    summary="Change a library resource",
)
def change_resource(request, resource_id: ResourceIdPath, body: ResourcePatch):
    """Change the fields sent (editors: resources they added; reviewers: any)."""
    _require_scope(request, Scope.RESOURCES_WRITE)
    resource = Resource.objects.filter(slug=resource_id).first()
    if resource is None:
        raise ApiError(404, "not_found", f"no resource with id {resource_id!r}", field="resource_id")
    if not permissions.can_change_resource(request.auth, resource):
        raise ApiError(403, "forbidden", f"you may not change {resource_id!r}: editors change only the resources they added")
    resource = _save(request, {**_current(resource), **body.model_dump(exclude_unset=True)}, instance=resource)
    return resource_data(resource)
