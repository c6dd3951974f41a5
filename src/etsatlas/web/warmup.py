"""Work done once per server process before it takes requests.

With gunicorn's --preload the master runs this before forking, so every worker starts with
the country names loaded and the factsheets parsed instead of paying ~1 s on its first page.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def warm() -> None:
    from django.db import DatabaseError, connections

    from etsatlas import geo
    from etsatlas.web.atlas.store import snapshot

    try:
        geo.places(snapshot().sheets)
    except DatabaseError as exc:  # not migrated yet: the first request will say so
        log.warning("warm-up skipped: %s", exc)
    finally:
        connections.close_all()  # never share a connection across fork
