from django.urls import path

from . import views

app_name = "programs"
urlpatterns = [
    path("", views.index, name="index"),
    path("cycles/<int:pk>/enroll/<str:role>/", views.enroll, name="enroll"),
    path("enrollments/<int:pk>/", views.edit_enrollment, name="edit_enrollment"),
    path("enrollments/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
