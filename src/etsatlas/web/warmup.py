"""Work done once per server process before it takes requests.

Each server worker runs this when it imports the WSGI application, so it starts with its views
imported, the country names loaded, the factsheets parsed and the simulator's compiled solver
loaded, instead of paying ~2 s on its first page.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

WARM_TEMPLATES = ["atlas/home.html", "atlas/system_list.html", "atlas/system_detail.html", "atlas/compare.html",
                  "core/404.html"]


def warm() -> None:
    from django.db import DatabaseError, connections
    from django.template.loader import get_template
    from django.urls import get_resolver

    from etsatlas import geo
    from etsatlas.web.atlas.store import snapshot

    list(get_resolver().url_patterns)  # imports every view and the API (~1.5 s), not on the first request
    import etsatlas.market.compiled  # noqa: F401  the simulator's machine code (compiled once per machine, then loaded)
    for name in WARM_TEMPLATES:  # compiled once, shared by every forked worker
        get_template(name)
    try:
        geo.places(snapshot().sheets)
    except DatabaseError as exc:  # not migrated yet: the first request will say so
        log.warning("warm-up skipped: %s", exc)
    finally:
        connections.close_all()  # never share a connection across fork
