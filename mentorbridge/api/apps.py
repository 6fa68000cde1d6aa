from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "mentorbridge.api"
    label = "api"
