"""Who may use each URL of the project: the table `test_url_roles.py` checks every URL name against.

Every URL name the resolver knows must match an entry here (exactly, or by an `fnmatch` pattern such
as "admin:*" for third-party namespaces; a third party's unnamed pattern is named by its route,
"route:accounts/social/signup/"), else the test fails: a new page states who may use it
before it lands. Each entry says which actors may GET and POST it successfully, and how to fill the
URL's arguments with ids of objects that belong to *someone else* (the `World` built by the test:
a pair of victims none of the actors is party to). See docs/architecture.md, "URL × role test".

Actors: "anonymous", "student", "resident", "surgeon", "outsider" (a member party to nothing),
"coordinator" (with TOTP) and "coordinator_no_totp" (who may reach only /accounts/ pages).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .test_url_roles import World

MEMBERS = frozenset({"student", "resident", "surgeon", "outsider", "coordinator"})
EVERYONE = MEMBERS | {"anonymous", "coordinator_no_totp"}
COORDINATOR = frozenset({"coordinator"})
NOBODY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Expect:
    """`get` and `post`: the actors for whom that method may succeed (status < 500, any page).

    Everyone else must be refused (302 to a login or TOTP page, 400, 403, 404 or 405) with nothing
    changed and nothing of the victims shown. `ids` fills the URL's arguments from the world;
    `get_writes` names models a GET may legitimately write (an audit log of who read what).
    """

    get: frozenset[str]
    post: frozenset[str]
    ids: Callable[[World], dict[str, Any]] = field(default=lambda w: {})
    get_writes: frozenset[str] = NOBODY


def _pk(attr: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"pk": getattr(w, attr).pk}


def _community(attr: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"pk": getattr(w.community, attr).pk}


TRACK1 = frozenset({"student", "resident", "outsider", "coordinator"})


# A URL filled with the victims' objects: no actor is party, so nobody may use it (coordinators may
# read the workspace, audited; see mentorships.selectors.get_mentorship_for_member).
EXPECTATIONS: dict[str, Expect] = {
    # core
    "home": Expect(get=EVERYONE, post=NOBODY),
    "healthz": Expect(get=EVERYONE, post=NOBODY),
    "notifications": Expect(get=MEMBERS, post=NOBODY),
    # POSTed as an actor it marks the actor's own notifications; a victim's pk is refused (404).
    "notifications_read": Expect(get=NOBODY, post=MEMBERS),
    # The member's own email settings (no ids: nobody else's can be reached).
    "email_settings": Expect(get=MEMBERS, post=MEMBERS),
    # accounts (django-allauth): account pages act on the signed-in user only.
    "account_login": Expect(get=EVERYONE, post=EVERYONE),
    "account_logout": Expect(get=EVERYONE, post=EVERYONE),
    "account_inactive": Expect(get=EVERYONE, post=EVERYONE),
    "account_signup": Expect(get=EVERYONE, post=EVERYONE),
    "account_reauthenticate": Expect(get=EVERYONE, post=EVERYONE),
    "account_email": Expect(get=EVERYONE, post=EVERYONE),
    "account_email_verification_sent": Expect(get=EVERYONE, post=EVERYONE),
    "account_change_password": Expect(get=EVERYONE, post=EVERYONE),
    "account_set_password": Expect(get=EVERYONE, post=EVERYONE),
    "account_reset_password": Expect(get=EVERYONE, post=EVERYONE),
    "account_reset_password_done": Expect(get=EVERYONE, post=EVERYONE),
    "account_reset_password_from_key_done": Expect(get=EVERYONE, post=EVERYONE),
    "account_confirm_login_code": Expect(get=EVERYONE, post=EVERYONE),
    # A forged key for the victim's address / account: refused, the victim's account untouched.
    "account_confirm_email": Expect(
        get=EVERYONE, post=EVERYONE, ids=lambda w: {"key": "forged-key"}
    ),
    "account_reset_password_from_key": Expect(
        get=EVERYONE, post=EVERYONE, ids=lambda w: {"uidb36": w.victim_uidb36, "key": "forged-key"}
    ),
    "mfa_*": Expect(get=EVERYONE, post=EVERYONE),
    # The society's sign-in (allauth socialaccount, OpenID Connect; docs/sign-in.md). Starting it
    # and its callback act on nobody's account but the one the provider vouches for; an unknown
    # provider is 404, a callback without the session's state an error page.
    "openid_connect_login": Expect(
        get=EVERYONE, post=EVERYONE, ids=lambda w: {"provider_id": "society"}
    ),
    "openid_connect_callback": Expect(
        get=EVERYONE, post=EVERYONE, ids=lambda w: {"provider_id": "society"}
    ),
    "socialaccount_login_cancelled": Expect(get=EVERYONE, post=EVERYONE),
    "socialaccount_login_error": Expect(get=EVERYONE, post=EVERYONE),
    # The pending sign-up of the visitor's own session (none here: a redirect to log in).
    "socialaccount_signup": Expect(get=EVERYONE, post=EVERYONE),
    # The signed-in member's own linked accounts.
    "socialaccount_connections": Expect(get=EVERYONE, post=EVERYONE),
    # allauth's unnamed legacy addresses, by route: permanent redirects to the four above.
    "route:accounts/social/*": Expect(get=EVERYONE, post=EVERYONE),
    # members
    "members:me": Expect(get=MEMBERS, post=NOBODY),
    "members:edit": Expect(get=MEMBERS, post=MEMBERS),
    # Another member's public profile is readable; their private answers and email never show.
    "members:detail": Expect(get=MEMBERS, post=NOBODY, ids=_pk("victim_mentee")),
    "members:institution_options": Expect(get=MEMBERS, post=NOBODY),
    "members:propose_institution": Expect(get=MEMBERS, post=MEMBERS),
    # programs
    "programs:index": Expect(get=MEMBERS, post=NOBODY),
    # The cycle is open to all: each actor may enroll themselves (their own enrollment).
    "programs:enroll": Expect(
        get=MEMBERS, post=MEMBERS, ids=lambda w: {"pk": w.cycle.pk, "role": "mentee"}
    ),
    "programs:edit_enrollment": Expect(get=NOBODY, post=NOBODY, ids=_pk("mentee_enrollment")),
    "programs:withdraw": Expect(get=NOBODY, post=NOBODY, ids=_pk("mentee_enrollment")),
    # matching
    "matching:find": Expect(get=NOBODY, post=NOBODY, ids=_pk("mentee_enrollment")),
    "matching:request_new": Expect(
        get=NOBODY,
        post=NOBODY,
        ids=lambda w: {"pk": w.mentee_enrollment.pk, "mentor_pk": w.mentor_enrollment.pk},
    ),
    "matching:ranking": Expect(get=NOBODY, post=NOBODY, ids=_pk("mentee_enrollment")),
    "matching:requests": Expect(get=MEMBERS, post=NOBODY),
    "matching:accept": Expect(get=NOBODY, post=NOBODY, ids=_pk("request")),
    "matching:decline": Expect(get=NOBODY, post=NOBODY, ids=_pk("request")),
    "matching:withdraw": Expect(get=NOBODY, post=NOBODY, ids=_pk("request")),
    # The emailed answer link is its own credential; a forged one is refused and changes nothing.
    "matching:answer": Expect(get=EVERYONE, post=NOBODY, ids=lambda w: {"token": w.forged_token}),
    # mentorships
    "mentorships:index": Expect(get=MEMBERS, post=NOBODY),
    "mentorships:detail": Expect(
        get=COORDINATOR,
        post=NOBODY,
        ids=_pk("mentorship"),
        get_writes=frozenset({"mentorships.AuditEntry"}),
    ),
    "mentorships:agreement": Expect(get=NOBODY, post=NOBODY, ids=_pk("mentorship")),
    "mentorships:meeting_new": Expect(get=NOBODY, post=NOBODY, ids=_pk("mentorship")),
    "mentorships:meeting_past": Expect(get=NOBODY, post=NOBODY, ids=_pk("mentorship")),
    "mentorships:completion": Expect(get=NOBODY, post=NOBODY, ids=_pk("mentorship")),
    "mentorships:message_new": Expect(get=NOBODY, post=NOBODY, ids=_pk("mentorship")),
    "mentorships:goal_new": Expect(get=NOBODY, post=NOBODY, ids=_pk("mentorship")),
    "mentorships:goal_update": Expect(
        get=NOBODY, post=NOBODY, ids=lambda w: {"pk": w.mentorship.pk, "goal_pk": w.goal.pk}
    ),
    "mentorships:close": Expect(get=NOBODY, post=NOBODY, ids=_pk("mentorship")),
    "mentorships:report": Expect(get=NOBODY, post=NOBODY, ids=_pk("mentorship")),
    "mentorships:meeting_answer": Expect(get=NOBODY, post=NOBODY, ids=_pk("meeting")),
    "mentorships:meeting_cancel": Expect(get=NOBODY, post=NOBODY, ids=_pk("meeting")),
    "mentorships:meeting_log": Expect(get=NOBODY, post=NOBODY, ids=_pk("meeting")),
    "mentorships:meeting_ics": Expect(get=NOBODY, post=NOBODY, ids=_pk("meeting")),
    "mentorships:pod_visibility": Expect(get=NOBODY, post=MEMBERS),
    "mentorships:record": Expect(get=MEMBERS, post=NOBODY),
    "mentorships:certificate": Expect(get=MEMBERS, post=NOBODY),
    "mentorships:check_in": Expect(get=NOBODY, post=NOBODY, ids=_pk("check_in")),
    "mentorships:resources": Expect(get=COORDINATOR, post=NOBODY),
    "mentorships:resource_new": Expect(get=COORDINATOR, post=COORDINATOR),
    "mentorships:resource_edit": Expect(get=COORDINATOR, post=COORDINATOR, ids=_pk("resource")),
    "mentorships:resource_remove": Expect(get=NOBODY, post=COORDINATOR, ids=_pk("resource")),
    # dashboard: the coordinator pages that moved here keep their addresses (/programs/coordinate/,
    # /matching/runs/…, /mentorships/at-risk/…).
    "dashboard:coordinate": Expect(get=COORDINATOR, post=NOBODY),
    "dashboard:cycle_create": Expect(get=COORDINATOR, post=COORDINATOR),
    # GET: the confirmation page with counts; POST: the change (audited).
    "dashboard:cycle_status": Expect(get=COORDINATOR, post=COORDINATOR, ids=_pk("cycle")),
    "dashboard:certificates_issue": Expect(get=NOBODY, post=COORDINATOR, ids=_pk("cycle")),
    "dashboard:certificates_zip": Expect(get=COORDINATOR, post=NOBODY, ids=_pk("cycle")),
    "dashboard:runs": Expect(
        get=COORDINATOR, post=COORDINATOR, ids=lambda w: {"cycle_pk": w.cycle.pk}
    ),
    "dashboard:run": Expect(get=COORDINATOR, post=NOBODY, ids=_pk("run")),
    # GET: what publishing will do, counted; POST: publish.
    "dashboard:run_publish": Expect(get=COORDINATOR, post=COORDINATOR, ids=_pk("run")),
    # One URL per edit of a run's proposal.
    "dashboard:run_rerun": Expect(get=NOBODY, post=COORDINATOR, ids=_pk("run")),
    "dashboard:run_swap": Expect(get=NOBODY, post=COORDINATOR, ids=_pk("run")),
    "dashboard:run_lock": Expect(get=NOBODY, post=COORDINATOR, ids=_pk("run")),
    "dashboard:run_unlock": Expect(get=NOBODY, post=COORDINATOR, ids=_pk("run")),
    "dashboard:run_remove": Expect(get=NOBODY, post=COORDINATOR, ids=_pk("run")),
    "dashboard:at_risk": Expect(get=COORDINATOR, post=NOBODY),
    "dashboard:at_risk_note": Expect(get=NOBODY, post=COORDINATOR, ids=_pk("risk")),
    # dashboard: coordinators only; each download is audited (admin.LogEntry), also on GET.
    "dashboard:index": Expect(get=COORDINATOR, post=NOBODY),
    "dashboard:cycle": Expect(get=COORDINATOR, post=NOBODY, ids=_pk("cycle")),
    "dashboard:table": Expect(
        get=COORDINATOR,
        post=NOBODY,
        ids=lambda w: {"pk": w.cycle.pk, "slug": "funnel", "fmt": "csv"},
        get_writes=frozenset({"admin.LogEntry"}),
    ),
    "dashboard:report": Expect(
        get=COORDINATOR,
        post=NOBODY,
        ids=lambda w: {"pk": w.cycle.pk, "fmt": "csv"},
        get_writes=frozenset({"admin.LogEntry"}),
    ),
    "dashboard:export": Expect(
        get=COORDINATOR,
        post=NOBODY,
        ids=lambda w: {"pk": w.cycle.pk, "what": "pairs", "fmt": "csv"},
        get_writes=frozenset({"admin.LogEntry"}),
    ),
    "dashboard:stage_changes": Expect(get=COORDINATOR, post=NOBODY),
    # Roster import: a preview changes nothing; only the import POST writes.
    "dashboard:roster": Expect(get=COORDINATOR, post=COORDINATOR),
    "dashboard:roster_preview": Expect(get=COORDINATOR, post=COORDINATOR, ids=_pk("roster_upload")),
    "dashboard:roster_import": Expect(get=NOBODY, post=COORDINATOR, ids=_pk("roster_upload")),
    "dashboard:invitations": Expect(get=COORDINATOR, post=NOBODY),
    # Each member's own outcomes and own data (download audited; deletion needs the password).
    "outcomes:mine": Expect(get=MEMBERS, post=MEMBERS),
    "data": Expect(get=MEMBERS, post=MEMBERS),
    "data_download": Expect(get=MEMBERS, post=NOBODY, get_writes=frozenset({"admin.LogEntry"})),
    # The invited member's one-time link: public (the token is the credential); a wrong one is 410.
    "invitation": Expect(get=EVERYONE, post=EVERYONE, ids=lambda w: {"token": "not-a-token"}),
    "dashboard:stage_change_decide": Expect(get=NOBODY, post=COORDINATOR, ids=_pk("stage_change")),
    # The JSON API (mentorbridge/api): the caller's own lists for members, the victims' objects
    # for nobody (404), coordinator resources for coordinators; the schema and docs for everyone.
    "api:api-root": Expect(get=EVERYONE, post=NOBODY),
    # django-ninja serves the schema and docs to any method; both only read.
    "api:openapi-json": Expect(get=EVERYONE, post=EVERYONE),
    "api:openapi-view": Expect(get=EVERYONE, post=EVERYONE),
    "api_not_found": Expect(get=NOBODY, post=NOBODY, ids=lambda w: {"rest": "v0/nothing"}),
    "api:me": Expect(get=MEMBERS, post=NOBODY),
    "api:me_update": Expect(get=MEMBERS, post=NOBODY),
    "api:programs": Expect(get=MEMBERS, post=NOBODY),
    "api:cycles": Expect(get=MEMBERS, post=NOBODY),
    "api:cycle": Expect(get=MEMBERS, post=NOBODY, ids=lambda w: {"cycle_id": w.cycle.pk}),
    "api:enrollments": Expect(get=MEMBERS, post=MEMBERS),
    "api:enrollment_create": Expect(get=MEMBERS, post=MEMBERS),
    **{
        f"api:{name}": Expect(
            get=NOBODY, post=NOBODY, ids=lambda w: {"enrollment_id": w.mentee_enrollment.pk}
        )
        for name in ("enrollment", "enrollment_withdraw", "recommended")
    },
    "api:requests": Expect(get=MEMBERS, post=MEMBERS),
    "api:request_send": Expect(get=MEMBERS, post=MEMBERS),
    **{
        f"api:{name}": Expect(get=NOBODY, post=NOBODY, ids=lambda w: {"request_id": w.request.pk})
        for name in ("request_detail", "request_accept", "request_decline", "request_withdraw")
    },
    "api:mentorships": Expect(get=MEMBERS, post=NOBODY),
    **{
        f"api:{name}": Expect(
            get=NOBODY, post=NOBODY, ids=lambda w: {"mentorship_id": w.mentorship.pk}
        )
        for name in (
            "mentorship",
            "meetings",
            "meeting_create",
            "messages",
            "message_create",
            "goals",
            "goal_create",
        )
    },
    "api:notifications": Expect(get=MEMBERS, post=MEMBERS),
    "api:notifications_read": Expect(get=MEMBERS, post=MEMBERS),
    "api:notification_read": Expect(
        get=NOBODY, post=NOBODY, ids=lambda w: {"notification_id": _victims_notification(w)}
    ),
    "api:members": Expect(get=COORDINATOR, post=NOBODY),
    **{
        f"api:{name}": Expect(
            get=COORDINATOR, post=COORDINATOR, ids=lambda w: {"cycle_id": w.cycle.pk}
        )
        for name in ("cycle_enrollments", "match_runs", "match_run_start")
    },
    **{
        f"api:{name}": Expect(get=COORDINATOR, post=COORDINATOR, ids=lambda w: {"run_id": w.run.pk})
        for name in ("match_run", "match_run_proposals", "match_run_publish")
    },
    "api:cycle_figures": Expect(
        get=COORDINATOR, post=COORDINATOR, ids=lambda w: {"cycle_id": w.cycle.pk}
    ),
    # An export is recorded in the audit (admin.LogEntry): a GET that writes, by design.
    "api:cycle_export": Expect(
        get=COORDINATOR,
        post=COORDINATOR,
        ids=lambda w: {"cycle_id": w.cycle.pk, "what": "pairs"},
        get_writes=frozenset({"admin.LogEntry"}),
    ),
    "api:webhooks_list": Expect(get=COORDINATOR, post=COORDINATOR),
    "api:webhook_create": Expect(get=COORDINATOR, post=COORDINATOR),
    **{
        f"api:{name}": Expect(
            get=COORDINATOR, post=COORDINATOR, ids=lambda w: {"webhook_id": 2**31 - 1}
        )
        for name in ("webhook_delete", "webhook_deliveries")
    },
    # The account page for personal access tokens: each member's own.
    "api_tokens": Expect(
        get=MEMBERS | {"coordinator_no_totp"}, post=MEMBERS | {"coordinator_no_totp"}
    ),
    "api_token_revoke": Expect(get=NOBODY, post=NOBODY, ids=lambda w: {"pk": 2**31 - 1}),
    # The Task Force's webhooks: coordinators manage all of them (rotate, stop, delete: POST).
    "api_webhooks": Expect(get=COORDINATOR, post=COORDINATOR),
    "api_webhook": Expect(get=COORDINATOR, post=NOBODY, ids=_pk("webhook")),
    "api_webhook_rotate": Expect(get=NOBODY, post=COORDINATOR, ids=_pk("webhook")),
    "api_webhook_active": Expect(get=NOBODY, post=COORDINATOR, ids=_pk("webhook")),
    "api_webhook_delete": Expect(get=NOBODY, post=COORDINATOR, ids=_pk("webhook")),
    # community: the victims' objects are a draft flash event and a hidden question (with its
    # answer and report), so only coordinators reach them; members reach their own boards.
    "community:flash_index": Expect(get=MEMBERS, post=NOBODY),
    "community:flash_new": Expect(get=COORDINATOR, post=COORDINATOR),
    "community:flash_detail": Expect(get=COORDINATOR, post=NOBODY, ids=_community("flash_event")),
    "community:flash_edit": Expect(
        get=COORDINATOR, post=COORDINATOR, ids=_community("flash_event")
    ),
    "community:flash_open": Expect(get=NOBODY, post=COORDINATOR, ids=_community("flash_event")),
    "community:flash_schedule": Expect(get=NOBODY, post=COORDINATOR, ids=_community("flash_event")),
    "community:flash_volunteer": Expect(
        get=NOBODY, post=COORDINATOR, ids=_community("flash_event")
    ),
    "community:flash_signup": Expect(get=NOBODY, post=COORDINATOR, ids=_community("flash_event")),
    "community:flash_withdraw": Expect(get=NOBODY, post=COORDINATOR, ids=_community("flash_event")),
    "community:flash_ics": Expect(get=COORDINATOR, post=NOBODY, ids=_community("flash_event")),
    "community:flash_wish": Expect(
        get=NOBODY,
        post=COORDINATOR,
        ids=lambda w: {"pk": w.community.flash_event.pk, "member_pk": w.community.mentor.pk},
    ),
    # Circles: the victims' circle is proposed (coordinators and its leader only). Coordinators
    # decide it and may close its applications; its workspace is its leader's and members' alone.
    "community:circles": Expect(get=MEMBERS, post=NOBODY),
    "community:circle_new": Expect(get=MEMBERS, post=MEMBERS),
    "community:circle_detail": Expect(get=COORDINATOR, post=NOBODY, ids=_community("circle")),
    "community:circle_decide": Expect(get=NOBODY, post=COORDINATOR, ids=_community("circle")),
    "community:circle_open": Expect(get=NOBODY, post=COORDINATOR, ids=_community("circle")),
    "community:circle_apply": Expect(get=NOBODY, post=COORDINATOR, ids=_community("circle")),
    "community:circle_withdraw": Expect(get=NOBODY, post=NOBODY, ids=_community("circle")),
    "community:circle_norms": Expect(get=NOBODY, post=NOBODY, ids=_community("circle")),
    "community:circle_meeting_new": Expect(get=NOBODY, post=NOBODY, ids=_community("circle")),
    "community:circle_message": Expect(get=NOBODY, post=NOBODY, ids=_community("circle")),
    "community:circle_check_in": Expect(get=NOBODY, post=NOBODY, ids=_community("circle")),
    "community:circle_application_decide": Expect(
        get=NOBODY, post=NOBODY, ids=_community("circle_application")
    ),
    "community:circle_meeting_cancel": Expect(
        get=NOBODY, post=NOBODY, ids=_community("circle_meeting")
    ),
    "community:circle_meeting_log": Expect(
        get=NOBODY, post=NOBODY, ids=_community("circle_meeting")
    ),
    "community:circle_meeting_ics": Expect(
        get=NOBODY, post=NOBODY, ids=_community("circle_meeting")
    ),
    "community:circle_placement": Expect(
        get=COORDINATOR, post=COORDINATOR, ids=lambda w: {"pk": w.cycle.pk}
    ),
    "community:boards": Expect(get=MEMBERS, post=NOBODY),
    # The track-1 board: its students and residents, not the surgeon (track 2 only).
    "community:board": Expect(get=TRACK1, post=NOBODY, ids=lambda w: {"slug": "student-resident"}),
    "community:ask": Expect(get=TRACK1, post=TRACK1, ids=lambda w: {"slug": "student-resident"}),
    "community:question": Expect(get=COORDINATOR, post=NOBODY, ids=_community("question")),
    "community:answer_new": Expect(get=NOBODY, post=COORDINATOR, ids=_community("question")),
    "community:question_report": Expect(get=NOBODY, post=COORDINATOR, ids=_community("question")),
    "community:question_hide": Expect(get=NOBODY, post=COORDINATOR, ids=_community("question")),
    "community:answer_helpful": Expect(get=NOBODY, post=COORDINATOR, ids=_community("answer")),
    "community:answer_report": Expect(get=NOBODY, post=COORDINATOR, ids=_community("answer")),
    "community:answer_hide": Expect(get=NOBODY, post=COORDINATOR, ids=_community("answer")),
    "community:answer_promote": Expect(get=NOBODY, post=COORDINATOR, ids=_community("answer")),
    "community:moderation": Expect(get=COORDINATOR, post=NOBODY),
    "community:moderate": Expect(get=NOBODY, post=COORDINATOR, ids=_community("report")),
    # Django's admin: staff only (coordinators are staff); others are sent to the admin's login.
    "admin:login": Expect(get=EVERYONE, post=EVERYONE),
    "admin:logout": Expect(get=EVERYONE, post=EVERYONE),
    "admin:*": Expect(get=COORDINATOR, post=COORDINATOR),
}


def _victims_notification(w: World) -> int:
    from mentorbridge.core.models import Notification

    found = Notification.objects.filter(member__in=[w.victim_mentee, w.victim_mentor]).first()
    return found.pk if found else 2**31 - 1
