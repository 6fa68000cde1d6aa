"""The Task Force's pages. Mounted at the site's root: most live under /dashboard/; the coordinator
pages that moved here from programs, matching and mentorships keep the addresses they had
(bookmarks, and links already sent in notifications and emails)."""

from django.urls import include, path

from . import cycle_views, risk_views, roster_views, run_views, stage_changes, views

app_name = "dashboard"
pages = [
    path("", views.index, name="index"),
    path("cycles/<int:pk>/", views.cycle, name="cycle"),
    path("cycles/<int:pk>/tables/<slug:slug>.<str:fmt>", views.table_download, name="table"),
    path("cycles/<int:pk>/report.<str:fmt>", views.report_download, name="report"),
    path("cycles/<int:pk>/export/<slug:what>.<str:fmt>", views.export, name="export"),
    path("roster/", roster_views.roster_upload, name="roster"),
    path("roster/<int:pk>/", roster_views.roster_preview, name="roster_preview"),
    path("roster/<int:pk>/import/", roster_views.roster_import, name="roster_import"),
    path("invitations/", roster_views.invitation_list, name="invitations"),
    path("stage-changes/", stage_changes.queue, name="stage_changes"),
    path("stage-changes/<int:pk>/decide/", stage_changes.decide, name="stage_change_decide"),
]
cycles = [
    path("", cycle_views.coordinate, name="coordinate"),
    path("cycles/new/", cycle_views.cycle_create, name="cycle_create"),
    path("cycles/<int:pk>/status/", cycle_views.cycle_status, name="cycle_status"),
]
match_runs = [
    path("cycles/<int:cycle_pk>/runs/", run_views.run_list, name="runs"),
    path("runs/<int:pk>/", run_views.run_detail, name="run"),
    path("runs/<int:pk>/publish/", run_views.run_publish, name="run_publish"),
    path("runs/<int:pk>/rerun/", run_views.run_rerun, name="run_rerun"),
    path("runs/<int:pk>/swap/", run_views.run_swap, name="run_swap"),
    path("runs/<int:pk>/lock/", run_views.run_lock, name="run_lock"),
    path("runs/<int:pk>/unlock/", run_views.run_unlock, name="run_unlock"),
    path("runs/<int:pk>/remove/", run_views.run_remove, name="run_remove"),
]
mentorships = [
    path("at-risk/", risk_views.at_risk, name="at_risk"),
    path("at-risk/<int:pk>/note/", risk_views.at_risk_note, name="at_risk_note"),
    path(
        "cycles/<int:pk>/certificates/", cycle_views.certificates_issue, name="certificates_issue"
    ),
    path("cycles/<int:pk>/certificates.zip", cycle_views.certificates_zip, name="certificates_zip"),
]
urlpatterns = [
    path("dashboard/", include(pages)),
    path("programs/coordinate/", include(cycles)),
    path("matching/", include(match_runs)),
    path("mentorships/", include(mentorships)),
]
