from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "mentorbridge.matching"
    label = "matching"
