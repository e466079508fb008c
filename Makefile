# Beautique Store backend.
#   make run    local demo on http://127.0.0.1:8000 (migrated, seeded, with a staff login)
#   make serve  the same demo served as production serves it (Granian, DEBUG off)
#   make test   what CI runs: lint, format check, migration check, the whole test suite
#   make bench  the load benchmark (PostgreSQL, wrk), printing the README's table
#   make bench-search  search quality (demo catalog) and speed (100,000 products)
# Both create .venv on first use and reinstall only when a requirements file changes.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PIP_INSTALL := $(BIN)/python -m pip install --quiet --disable-pip-version-check
# The demo runs with DEBUG on: no SECRET_KEY needed, static files served by runserver.
DEMO := DEBUG=1
DEMO_ADMIN := admin
DEMO_PASSWORD_FILE := $(VENV)/demo-admin-password
HOST := 127.0.0.1
PORT := 8000

SECRET_KEY_FILE := $(VENV)/serve-secret-key

.PHONY: run serve test bench bench-search demo-data install install-dev

run: install demo-data
	@echo
	@echo "Beautique Store backend on http://$(HOST):$(PORT)"
	@echo "  API docs:  http://$(HOST):$(PORT)/api/docs"
	@echo "  Admin:     http://$(HOST):$(PORT)/admin"
	@echo "  Staff login (admin and POST /api/admin/login): $(DEMO_ADMIN) / $$(cat $(DEMO_PASSWORD_FILE))"
	@echo
	$(DEMO) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The production server (docker/serve.sh: Granian, 2 workers, DEBUG off, static files
# by WhiteNoise) on the demo data, over plain HTTP on this machine.
serve: install demo-data $(SECRET_KEY_FILE)
	$(DEMO) $(BIN)/python manage.py collectstatic --noinput -v 0
	@echo
	@echo "Beautique Store backend (production server) on http://$(HOST):$(PORT)"
	@echo "  Staff login: $(DEMO_ADMIN) / $$(cat $(DEMO_PASSWORD_FILE))"
	@echo
	PATH="$(abspath $(BIN)):$$PATH" DEBUG=0 SECRET_KEY="$$(cat $(SECRET_KEY_FILE))" \
		ALLOWED_HOSTS=$(HOST),localhost SECURE_SSL_REDIRECT=0 HOST=$(HOST) PORT=$(PORT) \
		sh docker/serve.sh

test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

# Load test of the production server on PostgreSQL (bench/run.py; not part of `test`).
# BENCH_ARGS="--before <git ref>" compares with an earlier version in the same run.
bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Search quality on the 1,000-product demo catalog and speed on 100,000 products
# (bench/search.py; PostgreSQL, databases beautique_search_<n>, made once and kept).
bench-search: install
	$(BIN)/python bench/search.py $(BENCH_ARGS)

# Migrate, add the demo catalog when the catalog is empty and a few dozen demo orders
# when there are no orders (so the admin dashboard shows a real picture), and create
# or update the demo staff login (seed_admin changes nothing when nothing differs).
demo-data: install $(DEMO_PASSWORD_FILE)
	$(DEMO) $(BIN)/python manage.py migrate --noinput
	@if $(DEMO) $(BIN)/python manage.py shell --no-imports -c "import sys; from catalog.models import Product; sys.exit(Product.objects.exists())"; \
	then $(DEMO) $(BIN)/python manage.py seed_catalog; \
	else echo "Catalog already has products: not seeding."; fi
	@if $(DEMO) $(BIN)/python manage.py shell --no-imports -c "import sys; from orders.models import Order; sys.exit(Order.objects.exists())"; \
	then $(DEMO) $(BIN)/python manage.py seed_demo_orders --count 40 --days 30; \
	else echo "Orders already exist: not seeding demo orders."; fi
	@$(DEMO) ADMIN_USERNAME=$(DEMO_ADMIN) ADMIN_EMAIL=$(DEMO_ADMIN)@beautique.local \
		ADMIN_PASSWORD="$$(cat $(DEMO_PASSWORD_FILE))" $(BIN)/python manage.py seed_admin

install: $(VENV)/.installed-runtime
install-dev: $(VENV)/.installed-dev

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-runtime: requirements.txt | $(BIN)/python
	$(PIP_INSTALL) -r requirements.txt
	touch $@

# requirements-dev.txt includes requirements.txt, so it also satisfies `install`.
$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(PIP_INSTALL) -r requirements-dev.txt
	touch $@ $(VENV)/.installed-runtime

# A random demo password, made once per checkout; it passes Django's password checks.
$(SECRET_KEY_FILE): | $(BIN)/python
	umask 077 && $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $@

$(DEMO_PASSWORD_FILE): | $(BIN)/python
	umask 077 && $(BIN)/python -c "import secrets; print('demo-' + secrets.token_urlsafe(12))" > $@
