"""Settings entry point: picks the environment from ETSATLAS_ENV (development, test, production).

Each environment lives in its own module so deployments differ only where they must.
"""

import os

_ENV = os.environ.get("ETSATLAS_ENV", "development").strip().lower()

if _ENV == "production":
    from .production import *  # noqa: F401,F403
elif _ENV in {"development", "dev", "test"}:
    from .development import *  # noqa: F401,F403
else:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"ETSATLAS_ENV={_ENV!r} is not one of: development, test, production."
    )
