# One command to run the app, one to test it.  Both work on a fresh machine
# with Python 3.11 and WeasyPrint's system libraries (pango); no services.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: run test lint format bench check superuser clean packet-images

$(BIN)/.installed: requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $@

# The web server on http://127.0.0.1:$(PORT), a Celery worker and beat, all stopped by Ctrl-C
# (or by honcho when any one of them exits: see Procfile.dev).
run: $(BIN)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_diagnosis_codes --if-empty
	$(BIN)/python manage.py load_demo_catalog
	@echo ""
	@echo "  DenialHelp:   http://127.0.0.1:$(PORT)/"
	@echo "  Staff admin:  http://127.0.0.1:$(PORT)/admin/   (make a login with: make superuser)"
	@echo "  Health:       http://127.0.0.1:$(PORT)/healthz"
	@echo "  Ctrl-C stops the web server, the worker and beat; if one of them dies, the others stop too."
	@echo ""
	PATH="$(CURDIR)/$(BIN):$$PATH" exec $(BIN)/honcho start --no-prefix -f Procfile.dev --port $(PORT)

# The suite on TEST_PROCESSES processes (pytest-xdist; "auto" is one per core, 0 runs it in
# this process): each has its own test database, broker files and queue (tests/settings.py).
TEST_PROCESSES ?= auto
test: $(BIN)/.installed
	$(BIN)/python -m pytest -n $(TEST_PROCESSES) --dist worksteal $(PYTEST_ARGS)

# Every benchmark in bench/, then one summary table (see bench/README.md);
# BENCH_ARGS go to bench/run_all.py (e.g. --landing-sizes 10 or --quick).
bench: $(BIN)/.installed
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)

# ruff, and the import contract of docs/architecture.md (pyproject.toml [tool.importlinter]).
lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# manage.py check --deploy under a production configuration (throwaway secrets;
# nothing is connected to), the linters, and the pinned requirements' audit.
PRODUCTION_CHECK_ENV = DEBUG=false ALLOWED_HOSTS=denialhelp.example \
	SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))') \
	PATIENT_DATA_KEYS=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(32))') \
	DATABASE_URL=postgres://check@127.0.0.1:5432/check CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \
	CACHE_URL=redis://127.0.0.1:6379/2 STRIPE_SECRET_KEY=sk_live_check STRIPE_WEBHOOK_SECRET=whsec_check EMAIL_HOST=smtp.example

check: lint
	$(PRODUCTION_CHECK_ENV) $(BIN)/python manage.py check --deploy --fail-level WARNING
	$(BIN)/python .ci/audit_requirements.py

superuser: $(BIN)/.installed
	$(BIN)/python manage.py createsuperuser

clean:
	rm -rf $(VENV) var .pytest_cache

# Two packets (prescriber's and patient's letter) as PDF and page images, for review (docs/packets/).
packet-images: $(BIN)/.installed
	$(BIN)/python docs/packets/render.py
