from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "mentorbridge.dashboard"
    label = "dashboard"
