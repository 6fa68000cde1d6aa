from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "mentorbridge.matching"
    label = "matching"

    def ready(self) -> None:
        # The mentor pool's cache is invalidated by the models' own signals (pool.py).
        from . import pool  # noqa: F401
