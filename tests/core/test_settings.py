"""Settings read from the environment refuse values they cannot understand, at start-up."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from mentorbridge.settings import env_bool


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("TRUE", True), (" on ", True), ("no", False), ("0", False)]
)
def test_env_bool_reads_the_usual_spellings(
    monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool
) -> None:
    monkeypatch.setenv("MB_FLAG", raw)
    assert env_bool("MB_FLAG", not expected) is expected


def test_env_bool_uses_the_default_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MB_FLAG", raising=False)
    assert env_bool("MB_FLAG", True) is True


def test_it_refuses_a_typo_in_a_yes_no_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MB_FLAG", "flase")
    with pytest.raises(ImproperlyConfigured, match="MB_FLAG='flase' is not a yes/no value"):
        env_bool("MB_FLAG", True)


def test_start_up_stops_with_a_clear_error_on_debug_flase() -> None:
    env = {**os.environ, "DEBUG": "flase", "DJANGO_SETTINGS_MODULE": "mentorbridge.settings"}
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "DEBUG='flase' is not a yes/no value" in done.stderr
