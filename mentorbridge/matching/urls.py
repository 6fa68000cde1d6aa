from django.urls import path

from . import views

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
]
