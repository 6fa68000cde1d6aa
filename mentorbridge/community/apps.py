from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "mentorbridge.community"
    label = "community"
    verbose_name = "Community: flash mentoring, circles, questions"

    def ready(self) -> None:
        # Circles count in the leader's mentoring record and certificate; mentorships (a lower
        # layer) asks its registry and never imports this app.
        from mentorbridge.mentorships import records

        from .records import CircleRecords

        records.register(CircleRecords())
