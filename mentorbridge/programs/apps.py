from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "mentorbridge.programs"
    label = "programs"
