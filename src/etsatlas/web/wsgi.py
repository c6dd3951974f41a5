import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etsatlas.web.settings")
django_application = get_wsgi_application()

if os.environ.get("ETSATLAS_WARMUP", "1") == "1":
    from .warmup import warm

    warm()


def _with_page_cache(app):
    """Anonymous public pages from memory, in front of Django (see etsatlas.web.pagecache)."""
    from django.conf import settings

    from .core.middleware import over_anonymous_api_rate
    from .pagecache import PageCache

    max_age = float(settings.ETSATLAS.get("PAGE_CACHE_SECONDS", 0))
    if max_age <= 0:
        return app
    return PageCache(app, max_age=max_age, allowed_cookies=[settings.CSRF_COOKIE_NAME],
                     over_api_rate=over_anonymous_api_rate)


application = _with_page_cache(django_application)
