# Two commands from a fresh clone: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export AMQP_URI ?= amqp://guest:guest@localhost:5672/

.PHONY: run test migrate seed bench clean wheelhouse image

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(BIN)/.installed-test: $(BIN)/.installed requirements-test.txt
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

migrate: $(BIN)/.installed
	$(BIN)/python -m coord.migrations upgrade all

run: migrate
	$(BIN)/python -m coord.devserver

test: $(BIN)/.installed-test
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

bench: migrate
	$(BIN)/python bench/backbone.py
