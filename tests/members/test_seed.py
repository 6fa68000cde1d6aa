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
