from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data (`seed_demo`, `demo_totp`): a top room, so no domain app imports it."""

    name = "mentorbridge.demo"
    label = "demo"
