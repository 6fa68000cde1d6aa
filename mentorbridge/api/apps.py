from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "mentorbridge.api"
    label = "api"

    def ready(self) -> None:
        # Webhooks listen to the services' events; core never imports the api app.
        from mentorbridge.core import events

        from . import webhooks

        events.connect(webhooks.record)
