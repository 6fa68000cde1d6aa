#!/usr/bin/env bash
# Known vulnerabilities in the locked packages (pip-audit, PyPI's advisory data). pip-audit needs an
# advisory service: PyPI's per-release JSON API or OSV. Where neither answers (these build machines
# reach only the package index), it says so and exits 0, or 3 with AUDIT_REQUIRED=1 (`make audit`).
# Where one answers, any known vulnerability, or a package it could not check, fails (--strict).
set -euo pipefail
cd "$(dirname "$0")/.."
version="$(.venv/bin/python -c 'import django; print(django.__version__)')"
if ! .venv/bin/python - "$version" <<'PY'
import sys
import urllib.request

try:
    urllib.request.urlopen(f"https://pypi.org/pypi/django/{sys.argv[1]}/json", timeout=15).read(1)
except Exception as error:  # any failure means: no advisory data here
    print(f"pip-audit: PyPI's advisory API is not reachable from here ({error}).")
    sys.exit(1)
PY
then
  echo "pip-audit skipped: run 'make audit' where the network reaches pypi.org (docs/operations.md)."
  [ "${AUDIT_REQUIRED:-0}" = 1 ] && exit 3
  exit 0
fi
exec .venv/bin/pip-audit --disable-pip --no-deps --strict --progress-spinner off \
  --vulnerability-service pypi -r requirements.lock
