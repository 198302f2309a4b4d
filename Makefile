# Two commands from a fresh clone: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export AMQP_URI ?= amqp://guest:guest@localhost:5672/

.PHONY: run test migrate seed bench clean fonts

# Letters, lists and badges print every script with Debian's Noto fonts; the tests also
# turn PDFs into pictures with pdftoppm (poppler-utils).
FONTS := fonts-noto-core fonts-noto-cjk

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements.txt
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
	rm -rf $(VENV) var test-artifacts

seed: migrate
	$(BIN)/python -m services.registration.seed

bench: migrate
	$(BIN)/python bench/backbone.py
