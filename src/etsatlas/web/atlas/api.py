"""API routes of the knowledge base (mounted under /api/v1/)."""

from ninja import Router

router = Router()
