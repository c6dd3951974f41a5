"""Local development and tests: safe defaults, nothing secret."""

import os

from .base import *  # noqa: F401,F403
from .base import env_bool, env_list

DEV_SECRET_KEY = "etsatlas-development-secret-key-not-for-production"
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver", "[::1]"])

# Serve static files straight from the finders (no collectstatic needed in development and tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
