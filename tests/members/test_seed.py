import pytest
from django.core.management import CommandError, call_command

from mentorbridge.accounts.models import User
from mentorbridge.members.models import Institution, Member, PrivateIdentity


@pytest.mark.django_db
def test_seed_is_idempotent_and_realistic() -> None:
    call_command("seed_demo", "--size", "120", "--quiet-logins")
    counts = (
        User.objects.count(),
        Member.objects.count(),
        Institution.objects.count(),
        PrivateIdentity.objects.count(),
    )
    names = list(Member.objects.order_by("user__email").values_list("full_name", flat=True))
    call_command("seed_demo", "--size", "120", "--quiet-logins")
    assert (
        User.objects.count(),
        Member.objects.count(),
        Institution.objects.count(),
        PrivateIdentity.objects.count(),
    ) == counts
    assert list(Member.objects.order_by("user__email").values_list("full_name", flat=True)) == names
    assert Institution.objects.count() >= 60
    students = Member.objects.filter(stage__kind="student")
    surgeons = Member.objects.filter(stage__kind="surgeon")
    assert (
        students.count() > Member.objects.filter(stage__kind__in=["resident", "fellow"]).count() > 0
    )
    assert students.count() > surgeons.count() > 0
    assert students.filter(institution__has_ct_program=False).count() > students.count() / 3


@pytest.mark.django_db
def test_seed_rejects_a_bad_size() -> None:
    with pytest.raises(CommandError, match="small, large or a number"):
        call_command("seed_demo", "--size", "huge")
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_the_demo_fellow_and_surgeon_already_mentor_someone() -> None:
    from mentorbridge.mentorships.models import Mentorship
    from mentorbridge.programs.models import Enrollment

    call_command("seed_demo", "--size", "120", "--quiet-logins")
    pairs = Mentorship.objects.active().select_related("mentor__user", "mentee__stage")
    by_mentor = {m.mentor.user.email: m for m in pairs}
    assert set(by_mentor) == {"fellow@demo.mentorbridge.org", "surgeon@demo.mentorbridge.org"}
    student_pair = by_mentor["fellow@demo.mentorbridge.org"]
    assert student_pair.mentee.stage.kind == "student"
    assert student_pair.agreement.mentee_confirmed_at and student_pair.agreement.mentor_confirmed_at
    assert student_pair.messages.count() == 2 and student_pair.meetings.count() == 1
    # The application calendar, with the cycle's dates.
    assert student_pair.goals.filter(calendar_key="match_day", due_date__isnull=False).exists()
    # The seat is taken through the same path as an accepted request.
    assert Enrollment.objects.get(pk=student_pair.mentor_enrollment_id).mentee_count == 1
    # The named student and resident are left to find a mentor themselves.
    assert not pairs.filter(
        mentee__user__email__in=["student@demo.mentorbridge.org", "resident@demo.mentorbridge.org"]
    ).exists()
    call_command("seed_demo", "--size", "120", "--quiet-logins")
    assert Mentorship.objects.count() == 2


@pytest.mark.django_db
def test_demo_rankings_are_valid_and_made_once() -> None:
    from mentorbridge.matching.models import Ranking

    call_command("seed_demo", "--size", "120", "--quiet-logins")
    rows = Ranking.objects.select_related("ranker__member__user", "ranked")
    assert rows.exists()
    for row in rows:
        assert row.ranker.cycle_id == row.ranked.cycle_id
        assert row.ranker.role != row.ranked.role
        assert row.ranker.member.user.email.startswith("demo")  # named logins rank nobody
        if row.ranker.role == "mentor":  # mentors rank only mentees who ranked them
            assert Ranking.objects.filter(ranker=row.ranked, ranked=row.ranker).exists()
    count = rows.count()
    call_command("seed_demo", "--size", "120", "--quiet-logins")
    assert Ranking.objects.count() == count
