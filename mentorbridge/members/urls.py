from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("me/", views.me, name="me"),
    path("me/edit/", views.edit, name="edit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("institutions/options/", views.institution_options, name="institution_options"),
    path("institutions/propose/", views.propose_institution, name="propose_institution"),
]
