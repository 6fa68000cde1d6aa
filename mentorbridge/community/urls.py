from django.urls import path

from . import board_views, views

app_name = "community"
urlpatterns = [
    path("flash/", views.flash_index, name="flash_index"),
    path("flash/new/", views.flash_edit, name="flash_new"),
    path("flash/<int:pk>/", views.flash_detail, name="flash_detail"),
    path("flash/<int:pk>/edit/", views.flash_edit, name="flash_edit"),
    path("flash/<int:pk>/open/", views.flash_open, name="flash_open"),
    path("flash/<int:pk>/schedule/", views.flash_schedule, name="flash_schedule"),
    path("flash/<int:pk>/volunteer/", views.flash_volunteer, name="flash_volunteer"),
    path("flash/<int:pk>/signup/", views.flash_signup, name="flash_signup"),
    path("flash/<int:pk>/withdraw/", views.flash_withdraw, name="flash_withdraw"),
    path("flash/<int:pk>/schedule.ics", views.flash_ics, name="flash_ics"),
    path("flash/<int:pk>/wish/<int:member_pk>/", views.flash_wish, name="flash_wish"),
    path("questions/", board_views.boards, name="boards"),
    path("questions/moderation/", board_views.moderation, name="moderation"),
    path("questions/moderation/<int:pk>/", board_views.moderate, name="moderate"),
    path("questions/<slug:slug>/", board_views.board, name="board"),
    path("questions/<slug:slug>/ask/", board_views.ask, name="ask"),
    path("question/<int:pk>/", board_views.question, name="question"),
    path("question/<int:pk>/answer/", board_views.answer_new, name="answer_new"),
    path("question/<int:pk>/report/", board_views.question_report, name="question_report"),
    path("question/<int:pk>/hide/", board_views.question_hide, name="question_hide"),
    path("answer/<int:pk>/helpful/", board_views.answer_helpful, name="answer_helpful"),
    path("answer/<int:pk>/report/", board_views.answer_report, name="answer_report"),
    path("answer/<int:pk>/hide/", board_views.answer_hide, name="answer_hide"),
    path("answer/<int:pk>/promote/", board_views.answer_promote, name="answer_promote"),
]
