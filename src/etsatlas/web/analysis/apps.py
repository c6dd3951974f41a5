from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "etsatlas.web.analysis"
    label = "analysis"
