"""API routes of this area (mounted under /api/v1/ by etsatlas.web.api)."""

from ninja import Router

router = Router()
