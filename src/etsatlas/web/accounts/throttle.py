"""Login throttling kept in the database, so every worker process sees the same failures.

After ACCOUNT_LIMIT failures for one username, or ADDRESS_LIMIT from one address, within
WINDOW, further attempts are refused (429) until the window since the last failure passed.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone

from .models import LoginFailure


def _setting(name: str, default):
    return getattr(settings, "ETSATLAS", {}).get(name, default)


def window() -> dt.timedelta:
    return dt.timedelta(seconds=_setting("LOGIN_LOCKOUT_SECONDS", 900))


def fail(username: str, address: str | None) -> None:
    LoginFailure.objects.create(username=username, address=address)


def clear(username: str) -> None:
    LoginFailure.objects.filter(username=username).delete()


def locked_until(username: str, address: str | None) -> dt.datetime | None:
    """When the lockout for this account or address ends, or None when not locked."""
    since = timezone.now() - window()
    recent = LoginFailure.objects.filter(at__gte=since)
    checks = [(Q(username=username), _setting("LOGIN_ACCOUNT_LIMIT", 5))]
    if address:
        checks.append((Q(address=address), _setting("LOGIN_ADDRESS_LIMIT", 20)))
    ends = []
    for condition, limit in checks:
        agg = recent.filter(condition).aggregate(n=Count("id"), last=Max("at"))
        if agg["n"] >= limit:
            ends.append(agg["last"] + window())
    return max(ends) if ends else None


def prune() -> int:
    """Forget failures older than the window (run from the login view now and then)."""
    deleted, _ = LoginFailure.objects.filter(at__lt=timezone.now() - window()).delete()
    return deleted
