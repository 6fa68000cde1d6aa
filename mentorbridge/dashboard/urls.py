from django.urls import path

from . import roster_views, stage_changes, views

app_name = "dashboard"
urlpatterns = [
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
