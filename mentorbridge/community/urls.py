from django.urls import path

from . import board_views, circle_views, views

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
    path("circles/", circle_views.circle_index, name="circles"),
    path("circles/new/", circle_views.circle_new, name="circle_new"),
    path("circles/<int:pk>/", circle_views.circle_detail, name="circle_detail"),
    path("circles/<int:pk>/decide/", circle_views.circle_decide, name="circle_decide"),
    path("circles/<int:pk>/applications-open/", circle_views.circle_open, name="circle_open"),
    path("circles/<int:pk>/apply/", circle_views.circle_apply, name="circle_apply"),
    path("circles/<int:pk>/withdraw/", circle_views.circle_withdraw, name="circle_withdraw"),
    path("circles/<int:pk>/norms/", circle_views.circle_norms, name="circle_norms"),
    path("circles/<int:pk>/meetings/", circle_views.circle_meeting_new, name="circle_meeting_new"),
    path("circles/<int:pk>/messages/", circle_views.circle_message, name="circle_message"),
    path("circles/<int:pk>/check-in/", circle_views.circle_check_in, name="circle_check_in"),
    path(
        "circle-applications/<int:pk>/answer/",
        circle_views.application_decide,
        name="circle_application_decide",
    ),
    path(
        "circle-meetings/<int:pk>/cancel/",
        circle_views.circle_meeting_cancel,
        name="circle_meeting_cancel",
    ),
    path(
        "circle-meetings/<int:pk>/log/", circle_views.circle_meeting_log, name="circle_meeting_log"
    ),
    path(
        "circle-meetings/<int:pk>/invite.ics",
        circle_views.circle_meeting_ics,
        name="circle_meeting_ics",
    ),
    path("circles/placement/<int:pk>/", circle_views.placement, name="circle_placement"),
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
