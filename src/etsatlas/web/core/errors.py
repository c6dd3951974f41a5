"""The one error shape of the API, and the exception that produces it."""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse


class ApiError(Exception):
    """Raise from an API view to answer with the standard error shape."""

    def __init__(self, status: int, code: str, message: str, *, field: str | None = None, details: Any = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field, self.details = status, code, message, field, details


def error_response(status: int, code: str, message: str, *, field: str | None = None, details: Any = None) -> JsonResponse:
    body: dict[str, Any] = {"status": status, "code": code, "message": message}
    if field:
        body["field"] = field
    if details is not None:
        body["details"] = details
    return JsonResponse({"error": body}, status=status, json_dumps_params={"default": str})
