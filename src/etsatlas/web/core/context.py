from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, reverse

# (url name, label): the main navigation. An area not installed yet is simply left out.
NAVIGATION = [
    ("atlas:systems", "Systems"),
    ("atlas:compare", "Compare"),
    ("prices:explorer", "Prices"),
    ("analysis:simulate", "Simulator"),
    ("linking:compatibility", "Linking"),
    ("library:index", "Library"),
    ("partnership:directory", "Partnership"),
]


@lru_cache(maxsize=1)
def _nav_items() -> tuple[tuple[str, str], ...]:
    items = []
    for name, label in NAVIGATION:
        try:
            items.append((reverse(name), label))
        except NoReverseMatch:
            continue
    return tuple(items)


def site(request):
    """Values every template needs: the site name and the main navigation."""
    return {"site_name": settings.ETSATLAS["SITE_NAME"], "nav_items": _nav_items()}
