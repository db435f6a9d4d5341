# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test venv migrate lint clean

$(PY):
	@command -v $(PYTHON) >/dev/null || { echo "Нужен $(PYTHON): установите Python 3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.deps: $(PY) requirements.txt requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.deps

# A local .env for the laptop: DEBUG on, a random secret, codes in the terminal.
.env:
	@sed -e "s/^SECRET_KEY=.*/SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')/" \
	     -e "s|^DATABASE_URL=$$|# DATABASE_URL=|" .env.example > .env
	@echo "Создан .env для разработки (DEBUG=True, коды входа — в терминале)."

migrate: venv .env
	$(PY) manage.py migrate --noinput

run: migrate
	$(PY) manage.py seed_demo
	@echo ""
	@echo "Портал: http://$(HOST):$(PORT)/  — войдите по телефону демо-клиента;"
	@echo "код из SMS появится в этом терминале (строка «SMS для …»)."
	@echo ""
	@# With BITRIX_WEBHOOK_URL or TELEGRAM_BOT_TOKEN set, the outbox worker runs beside the
	@# server; with TELEGRAM_BOT_TOKEN, the bot's long polling too (no public URL needed).
	@set -e; conf="$$($(PY) manage.py shell -v0 -c 'from django.conf import settings as s; print(bool(s.BITRIX_WEBHOOK_URL), bool(s.TELEGRAM_BOT_TOKEN))')"; \
	pids=""; trap 'kill $$pids 2>/dev/null' EXIT INT TERM; \
	if [ "$$conf" != "False False" ]; then \
	  echo "Воркер очереди доставки запущен рядом с сервером."; \
	  $(PY) manage.py outbox_worker & pids="$$pids $$!"; \
	fi; \
	if [ "$${conf#* }" = "True" ]; then \
	  echo "Telegram включён: бот получает сообщения опросом (telegram_poll)."; \
	  $(PY) manage.py telegram_poll & pids="$$pids $$!"; \
	fi; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: venv
	$(PY) -m pytest

lint: venv
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
