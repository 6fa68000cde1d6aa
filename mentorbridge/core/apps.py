from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mentorbridge.core"
    label = "core"

    def ready(self) -> None:
        from . import lookups  # noqa: F401  (registers the integer `__in` lookup)
