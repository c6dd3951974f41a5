import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etsatlas.web.settings")
application = get_wsgi_application()

if os.environ.get("ETSATLAS_WARMUP", "1") == "1":
    from .warmup import warm

    warm()
