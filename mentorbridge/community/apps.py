from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "mentorbridge.community"
    label = "community"
    verbose_name = "Community: flash mentoring, circles, questions"
