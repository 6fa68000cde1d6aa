from django.urls import path

from . import resource_views, views

app_name = "mentorships"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/agreement/", views.agreement, name="agreement"),
    path("<int:pk>/meetings/", views.meeting_new, name="meeting_new"),
    path("<int:pk>/meetings/past/", views.meeting_past, name="meeting_past"),
    path("<int:pk>/messages/", views.message_new, name="message_new"),
    path("<int:pk>/goals/", views.goal_new, name="goal_new"),
    path("<int:pk>/goals/<int:goal_pk>/", views.goal_update, name="goal_update"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/completion/", views.completion, name="completion"),
    path("<int:pk>/report/", views.report, name="report"),
    path("meetings/<int:pk>/answer/", views.meeting_answer, name="meeting_answer"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/log/", views.meeting_log, name="meeting_log"),
    path("meetings/<int:pk>/invite.ics", views.meeting_ics, name="meeting_ics"),
    path("pods/visibility/", views.pod_visibility, name="pod_visibility"),
    path("record/", views.record, name="record"),
    path("record/certificate.pdf", views.certificate, name="certificate"),
    path("check-ins/<int:pk>/", views.check_in, name="check_in"),
    path("resources/", resource_views.resource_list, name="resources"),
    path("resources/new/", resource_views.resource_edit, name="resource_new"),
    path("resources/<int:pk>/", resource_views.resource_edit, name="resource_edit"),
    path("resources/<int:pk>/remove/", resource_views.resource_remove, name="resource_remove"),
]
