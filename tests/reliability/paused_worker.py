"""`python -m tests.reliability.paused_worker [db_worker options]`: a db_worker whose match runs
stop in the middle of their computation (the run is RUNNING, the snapshot taken, no proposal
written), so a fault test can kill the worker there on any machine, however fast."""

from __future__ import annotations

import os
import sys
import time
from typing import Any

import django


def paused(run: Any) -> Any:
    # Stands in for a long computation; the test kills this worker long before it ends.
    time.sleep(600)
    raise RuntimeError("the paused worker was not killed")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorbridge.settings")
    django.setup()
    from django.core.management import call_command

    from mentorbridge.matching.runs import execute

    execute.compute = paused  # type: ignore[assignment]
    call_command("db_worker", *sys.argv[1:])


if __name__ == "__main__":
    main()
