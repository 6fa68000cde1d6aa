from django.urls import path

from . import stage_changes

app_name = "dashboard"
urlpatterns = [
    path("stage-changes/", stage_changes.queue, name="stage_changes"),
    path("stage-changes/<int:pk>/decide/", stage_changes.decide, name="stage_change_decide"),
]
