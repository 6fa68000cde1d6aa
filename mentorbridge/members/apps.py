from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "mentorbridge.members"
    label = "members"
