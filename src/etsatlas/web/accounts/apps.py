from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "etsatlas.web.accounts"
    label = "accounts"
    verbose_name = "Accounts and editorial workflow"

    def ready(self):
        from . import checks, seeding, signals  # noqa: F401  (registration)
