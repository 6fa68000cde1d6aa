from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "mentorbridge.outcomes"
    label = "outcomes"
