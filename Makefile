# Two commands do everything on a fresh Debian machine (Python 3.11+):
#   make demo   - install what is missing, scan samples/, write leads.csv
#   make test   - install what is missing, run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := tesseract-ocr tesseract-ocr-eng tesseract-ocr-kor fonts-dejavu-core fonts-urw-base35 fonts-liberation2 fonts-noto-cjk chromium fonts-ipaexfont-gothic

.PHONY: demo test check lint bench system deps clean

demo: deps
	$(BIN)/cardscan scan samples/ --event "cardscan demo" --csv leads.csv --jsonl leads.jsonl
	@echo "Leads written to $(CURDIR)/leads.csv (and leads.jsonl); stored in $(CURDIR)/cardscan.db."
	@echo "Next: $(BIN)/cardscan serve   (then open http://127.0.0.1:8765/ for Review and Today; Ctrl-C stops it)"

test: deps
	$(BIN)/python -m pytest -q

lint: deps
	$(BIN)/ruff check cardscan tests benchmarks samples
	$(BIN)/mypy

check: lint test

bench: deps
	$(BIN)/python benchmarks/accuracy.py ../shared/cards-dev/labels.json ../shared/cards-dev/images --baseline
	$(BIN)/python benchmarks/throughput.py ../shared/cards-dev/images

# Debian packages: only what is missing, so a second run needs no root.
# Fonts are for samples/generate.py (its determinism test skips without them).
system:
	@missing=""; \
	for p in $(APT_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	$(PYTHON) -c 'import ensurepip, venv' >/dev/null 2>&1 || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[rapidocr,cjk,heic,dask,dev]'
	@# rapidocr pulls in opencv-python, whose cv2 needs libGL; put the headless
	@# build's files back on top (same version), so no GUI library is needed.
	$(BIN)/pip install -q --force-reinstall --no-deps \
	  "opencv-python-headless==$$($(BIN)/python -c 'import importlib.metadata as m; print(m.version("opencv-python-headless"))')"
	touch $(STAMP)

deps: system $(STAMP)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache  # never the user's leads or database
