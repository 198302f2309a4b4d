# Two commands from a fresh clone: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export AMQP_URI ?= amqp://guest:guest@localhost:5672/

.PHONY: run test migrate seed demo bench clean fonts wheelhouse image

# Letters, lists and badges print every script with Debian's Noto fonts; the tests also
# turn PDFs into pictures with pdftoppm (poppler-utils).
FONTS := fonts-noto-core fonts-noto-cjk

# The services' dependencies, then the client package and its `coord` command (editable,
# on the pinned dependencies above, so .venv/bin/coord follows the working tree).
$(BIN)/.installed: requirements.txt clients/python/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e clients/python
	touch $@

$(BIN)/.installed-test: $(BIN)/.installed requirements-test.txt
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

migrate: $(BIN)/.installed
	$(BIN)/python -m coord.migrations upgrade all

fonts:
	@deploy/system-packages $(FONTS)

run: migrate fonts
	$(BIN)/python -m coord.devserver

test: $(BIN)/.installed-test
	@deploy/system-packages $(FONTS) poppler-utils
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) var test-artifacts wheels

# Offline image builds (closed networks): the wheels of every runtime dependency, made on
# a machine with the index and the image's Python (3.11, x86-64 Linux), carried to the
# build machine with the source; `make image` then builds without any index.
wheelhouse: wheels/.complete
wheels/.complete: requirements.txt $(BIN)/.installed
	$(BIN)/pip wheel --quiet -r requirements.txt -w wheels
	touch $@

BASE_IMAGE ?= python:3.11-slim
IMAGE ?= coord-services:latest
image:
	docker build --build-arg BASE_IMAGE=$(BASE_IMAGE) \
	  $(if $(wildcard wheels/*.whl),--build-arg PIP_INDEX=--no-index) -t $(IMAGE) .

seed: migrate
	$(BIN)/python -m services.registration.seed

# Against a running system (`make run` in another terminal): the COP-2 story, once.
demo: $(BIN)/.installed
	$(BIN)/python -m demo.cop2

# One run on one broker (vhost made with rabbitmqctl) and the local PostgreSQL, about
# five minutes; prints a table and writes bench/results/latest.json (BENCH.md).
bench: $(BIN)/.installed-test
	$(BIN)/python -m bench
