"""Attached files: PDF only, checked by content (the `%PDF-` signature), not by name; size-limited."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError

PDF_SIGNATURE = b"%PDF-"
DEFAULT_MAX_BYTES = 25 * 1024 * 1024


def max_upload_bytes() -> int:
    return int(getattr(settings, "LIBRARY_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES))


def validate_pdf(upload) -> None:
    """Refuse anything that is not a PDF of acceptable size, whatever its file name says."""
    limit = max_upload_bytes()
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            "The file is %(size)s bytes; attachments are limited to %(limit)s bytes.",
            code="file_too_large", params={"size": upload.size, "limit": limit},
        )
    name = (getattr(upload, "name", "") or "").lower()
    if not name.endswith(".pdf"):
        raise ValidationError("Attachments must be PDF files (name ending in .pdf).", code="not_pdf_name")
    position = upload.tell() if hasattr(upload, "tell") else None
    upload.seek(0)
    head = upload.read(len(PDF_SIGNATURE))
    upload.seek(position or 0)
    if head != PDF_SIGNATURE:
        raise ValidationError(
            "The file is not a PDF: its content does not start with the %PDF- signature.", code="not_pdf_content",
        )
