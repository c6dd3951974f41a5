from django import template

register = template.Library()


@register.filter
def lookup(mapping, key):
    """{{ names|lookup:system_id }}: a value from a dict, or '' when absent."""
    return (mapping or {}).get(key, "")
