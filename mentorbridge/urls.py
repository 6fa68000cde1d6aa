"""Top-level URL map: one include per app."""

from django.contrib import admin
from django.urls import include, path

from mentorbridge.core import views as core_views
from mentorbridge.dashboard import privacy_views, roster_views
from mentorbridge.members import views as member_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("", include("mentorbridge.api.urls")),
    path("accounts/", include("allauth.urls")),
    path("notifications/", core_views.notifications, name="notifications"),
    path("notifications/read/", core_views.notifications_read, name="notifications_read"),
    path("notifications/settings/", member_views.email_settings, name="email_settings"),
    path("members/", include("mentorbridge.members.urls")),
    path("programs/", include("mentorbridge.programs.urls")),
    path("matching/", include("mentorbridge.matching.urls")),
    path("mentorships/", include("mentorbridge.mentorships.urls")),
    path("community/", include("mentorbridge.community.urls")),
    path("", include("mentorbridge.dashboard.urls")),
    path("outcomes/", include("mentorbridge.outcomes.urls")),
    path("my-data/", privacy_views.my_data, name="data"),
    path("my-data/download.json", privacy_views.my_data_download, name="data_download"),
    path("invitation/<str:token>/", roster_views.invitation_accept, name="invitation"),
    path("admin/", admin.site.urls),
]

handler400 = "mentorbridge.core.views.bad_request"
handler404 = "mentorbridge.core.views.not_found"
handler500 = "mentorbridge.core.views.server_error"
