# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.13 || command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format demo bench loadtest serve clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12) and "Python >= 3.12 is needed (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Production serving: gunicorn (config/gunicorn.py) with production settings
# and WhiteNoise for static files. Set SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL
# and the rest first (README, Deployment); migrations are run once per release,
# from one server, with `manage.py migrate`.
serve: $(STAMP)
	DEBUG=0 $(BIN)/python manage.py collectstatic --no-input --verbosity 0
	DEBUG=0 $(BIN)/python manage.py check --deploy
	DEBUG=0 exec $(BIN)/gunicorn --config config/gunicorn.py config.wsgi

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

demo: $(STAMP)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo

# Both build throw-away data: a temporary SQLite file, or with
# BENCH_DATABASE_URL=postgres://.../name a PostgreSQL database they create and drop.
bench: $(STAMP)
	$(BIN)/python manage.py raci bench $(if $(BENCH_DATABASE_URL),--database-url $(BENCH_DATABASE_URL))

loadtest: $(STAMP)
	$(BIN)/python manage.py raci loadtest --database-url $(or $(BENCH_DATABASE_URL),postgres://postgres@127.0.0.1:5432/raci_loadtest) $(if $(PAUSE),--pause $(PAUSE))

clean:
	rm -rf $(VENV) staticfiles artifacts
