from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mentorbridge.core"
    label = "core"
