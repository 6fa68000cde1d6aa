from django.urls import path

from . import run_views, views

app_name = "matching"
urlpatterns = [
    path("enrollments/<int:pk>/find/", views.find, name="find"),
    path("enrollments/<int:pk>/request/<int:mentor_pk>/", views.request_new, name="request_new"),
    path("enrollments/<int:pk>/ranking/", views.ranking, name="ranking"),
    path("requests/", views.requests, name="requests"),
    path("requests/<int:pk>/accept/", views.accept, name="accept"),
    path("requests/<int:pk>/decline/", views.decline, name="decline"),
    path("requests/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("answer/<str:token>/", views.answer, name="answer"),
    path("cycles/<int:cycle_pk>/runs/", run_views.run_list, name="runs"),
    path("runs/<int:pk>/", run_views.run_detail, name="run"),
    path("runs/<int:pk>/publish/", run_views.run_publish_confirm, name="run_publish"),
    path("runs/<int:pk>/action/", run_views.run_action, name="run_action"),
]
