from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo seed (``manage.py seed_demo``): on top of every layer, it composes each app's demo step."""

    name = "demo"
