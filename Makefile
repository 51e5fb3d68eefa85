# One command to run the app, one to test it.  Both work on a fresh machine
# with Python 3.11 and WeasyPrint's system libraries (pango); no services.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: run test lint format bench check superuser clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $@

# The web server on http://127.0.0.1:$(PORT) and a Celery worker, both stopped by Ctrl-C.
run: $(BIN)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo_catalog
	@echo ""
	@echo "  DenialHelp:   http://127.0.0.1:$(PORT)/"
	@echo "  Staff admin:  http://127.0.0.1:$(PORT)/admin/   (make a login with: make superuser)"
	@echo "  Health:       http://127.0.0.1:$(PORT)/healthz"
	@echo "  Ctrl-C stops the web server and the worker."
	@echo ""
	PATH="$(CURDIR)/$(BIN):$$PATH" exec $(BIN)/honcho start --no-prefix -f Procfile.dev --port $(PORT)

test: $(BIN)/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Every benchmark in bench/ (see bench/README.md); BENCH_ARGS go to landing.py.
bench: $(BIN)/.installed
	$(BIN)/python bench/landing.py $(BENCH_ARGS)
	$(BIN)/python bench/wizard.py

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

superuser: $(BIN)/.installed
	$(BIN)/python manage.py createsuperuser

clean:
	rm -rf $(VENV) var .pytest_cache
