"""Library blocks other pages include: recently added resources (home) and related resources (factsheet).

    {% load library_tags %}{% recent_resources 5 %}
    {% load library_tags %}{% related_resources system_id %}
    {% load library_tags %}{% design_guidance sheet %}
"""

from django import template

from .. import guidance
from ..models import Resource, ResourceTag
from ..search.engine import with_relations

register = template.Library()


@register.inclusion_tag("library/_recent_list.html")
def recent_resources(count: int = 5):
    return {"resources": list(with_relations(Resource.objects.order_by("-created_at", "-id"))[: int(count)])}


@register.inclusion_tag("library/_related_list.html")
def related_resources(system_id: str, count: int = 5):
    system_id = str(system_id or "")
    if not system_id:
        return {"resources": [], "system_id": "", "total": 0}
    qs = Resource.objects.filter(id__in=ResourceTag.objects.filter(kind="system", value=system_id).values("resource_id"))
    resources = list(with_relations(qs).order_by("-date", "-id")[: int(count)])
    return {"resources": resources, "system_id": system_id, "total": qs.count()}


@register.inclusion_tag("library/_guidance_list.html")
def design_guidance(sheet, count: int = 5):
    return {"guidance": guidance.design_guidance(sheet, int(count)), "system_id": sheet.id}
