"""The project's own deployment checks, run by `etsatlas check --deploy` with Django's.

Ids: etsatlas.W001 ... (listed in docs/security.md).
"""

from django.conf import settings
from django.core.checks import Tags, Warning, register

from etsatlas.web.core.middleware import DEFAULT_CSP


def _csp_directive(policy: str, name: str) -> str:
    for part in policy.split(";"):
        words = part.split()
        if words and words[0] == name:
            return " ".join(words[1:])
    return ""


@register(Tags.security, deploy=True)
def check_security(app_configs=None, **kwargs):
    problems = []
    csp = getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_CSP)
    scripts = _csp_directive(csp, "script-src") or _csp_directive(csp, "default-src")
    if not scripts or "'unsafe-inline'" in scripts or "'unsafe-eval'" in scripts or "*" in scripts.split():
        problems.append(Warning(
            "the Content-Security-Policy allows inline or foreign scripts",
            hint="keep script-src to 'self' (scripts are static files; pass data with json_script).",
            id="etsatlas.W001",
        ))
    if "SecurityHeadersMiddleware" not in " ".join(settings.MIDDLEWARE):
        problems.append(Warning(
            "SecurityHeadersMiddleware is not installed: no CSP header and no API limits",
            hint="add 'etsatlas.web.core.middleware.SecurityHeadersMiddleware' to MIDDLEWARE.",
            id="etsatlas.W002",
        ))
    if not settings.PASSWORD_HASHERS or "Argon2" not in settings.PASSWORD_HASHERS[0]:
        problems.append(Warning(
            "passwords are not hashed with Argon2", hint="put Argon2PasswordHasher first in PASSWORD_HASHERS.",
            id="etsatlas.W003",
        ))
    if not getattr(settings, "SESSION_COOKIE_HTTPONLY", True) or getattr(settings, "SESSION_COOKIE_SAMESITE", None) is None:
        problems.append(Warning(
            "session cookies are readable by scripts or sent cross-site",
            hint="set SESSION_COOKIE_HTTPONLY = True and SESSION_COOKIE_SAMESITE = 'Lax'.", id="etsatlas.W004",
        ))
    if not getattr(settings, "ETSATLAS", {}).get("LOGIN_ACCOUNT_LIMIT", 5):
        problems.append(Warning("login throttling is disabled", hint="set ETSATLAS['LOGIN_ACCOUNT_LIMIT'] > 0.",
                                id="etsatlas.W005"))
    return problems
