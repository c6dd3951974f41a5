from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "etsatlas.web.accounts"
    label = "accounts"
