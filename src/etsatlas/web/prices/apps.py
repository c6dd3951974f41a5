from django.apps import AppConfig


class PricesConfig(AppConfig):
    name = "etsatlas.web.prices"
    label = "prices"
    verbose_name = "Allowance prices"

    def ready(self) -> None:
        from etsatlas.prices import set_default_source

        from .data import frames

        # etsatlas.prices.load() with no file reads the database.
        set_default_source(frames)
