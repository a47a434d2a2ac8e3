from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """Read-only pages that gather every app's work (the home page): the one place above all layers
    that may read from each of them (import-linter contract in pyproject.toml)."""

    name = "dashboards"
    verbose_name = _("首页")
