"""The admin names the workspace's models in words a coordinator would use (not "At risks")."""

from __future__ import annotations

from django.contrib import admin

from mentorbridge.mentorships.models import AtRisk, CheckIn


def test_the_admin_lists_at_risk_pairs_and_check_ins_by_their_names() -> None:
    assert admin.site.is_registered(AtRisk) and admin.site.is_registered(CheckIn)
    assert AtRisk._meta.verbose_name_plural == "at-risk pairs"
    assert CheckIn._meta.verbose_name_plural == "check-ins"
    # Django capitalises the first letter on the admin index: "At-risk pairs", "Check-ins".
    assert str(AtRisk._meta.verbose_name_plural).capitalize() == "At-risk pairs"
