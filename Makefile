# MentorBridge: `make run` serves the demo, `make test` runs the whole suite. Both set up .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: run test check bench bench-load install migrate seed lock clean serve audit

install: $(STAMP)

$(STAMP): requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	touch $(STAMP)

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo --size small

run: seed
	@echo "Serving MentorBridge at http://127.0.0.1:8000 (Ctrl+C to stop)"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# The production shape on this machine: PostgreSQL, gunicorn, task workers, the periodic jobs,
# hashed static files, Redis as the shared cache (settings from the environment: docs/operations.md).
serve: $(STAMP)
	deploy/serve.sh

# The whole suite, browser tests included (skipped, with the reason, when Debian's chromium is
# absent). On PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentorbridge make test
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy mentorbridge
	deploy/audit.sh

# pip-audit over the lock, required to run: where the network reaches PyPI's advisory API.
audit: $(STAMP)
	AUDIT_REQUIRED=1 deploy/audit.sh

bench: $(STAMP)
	$(BIN)/python bench/matching.py
	$(BIN)/python bench/workflow.py
	$(BIN)/python bench/flash.py
	$(BIN)/python bench/dashboard.py
	$(BIN)/python bench/api.py

# Load test of the production shape (PostgreSQL and Redis, as `make serve`): docs/operations.md.
# Not in `make bench`: the first run seeds 20,000 members (minutes); later runs take about 4.
bench-load: $(STAMP)
	$(BIN)/python bench/load.py $(LOAD_ARGS)

# Regenerate the lock after changing pyproject.toml (needs network access to PyPI).
lock:
	$(PYTHON) -m venv /tmp/mentorbridge-lock && /tmp/mentorbridge-lock/bin/pip install --quiet uv
	/tmp/mentorbridge-lock/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 \
		--generate-hashes -o requirements.lock

clean:
	rm -rf $(VENV) staticfiles test-results .pytest_cache .mypy_cache .ruff_cache

# The site's wording of django-allauth's pages (mentorbridge/locale/en): compile after editing.
.PHONY: messages
messages:
	msgfmt --check-format -o mentorbridge/locale/en/LC_MESSAGES/django.mo mentorbridge/locale/en/LC_MESSAGES/django.po
