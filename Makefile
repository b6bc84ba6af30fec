# The two commands a reader needs: `make paper` and `make test`. Both set up what they need.
#   make paper   the real paper -> paper/build/paper.pdf (about 5 minutes on 2 cores; README gives the machine)
#   make smoke   the same paper from tiny grids, marked SMOKE (about a minute)
#   make test    the tests (they run the smoke build end to end)
#   make verify  rebuild the smoke results from clean and compare them with the recorded ones (workflow/reference/):
#                numerically on any machine, bitwise on one with the recording machine's fingerprint
#   make reference  record this machine's smoke results and checksums (after a change that moves them), and the
#                default ledger of results/ when it is a default build's
#   make compare REF=<results folder or commit>  the ledger cells whose verdict or interval differ from REF's
#   make arxiv   the submission tarball -> paper/build/arxiv.tar.gz (of the default build; PROFILE=smoke for the smoke's)
#   make report  Snakemake's HTML report -> paper/build/report.html: every figure with its caption, rule, code and
#                parameters, and the full claims ledger as a sortable table (PROFILE=smoke for the smoke build's)
#   make setup   the venv .venv from requirements.lock, every package pinned and hash-checked, then this project editable
#   make lock    refresh requirements.lock from pyproject.toml with pip-tools (kept pins stay; run after editing the pins)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements.lock
# The tool that writes the lock; `make lock` installs it into a throw-away venv, never into .venv.
PIP_TOOLS := pip-tools==7.7.0
# Optional extra package index for `make setup` and `make lock`, empty by default. Where no local wheel of
# torch 2.13.0+cpu is found: EXTRA_INDEX=https://download.pytorch.org/whl/cpu (PyTorch's CPU wheels).
EXTRA_INDEX ?=
PIP_INDEX := $(if $(EXTRA_INDEX),--extra-index-url $(EXTRA_INDEX))
CHECK_PYTHON := $(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is needed, found " + sys.version' \
	|| { echo "make: set PYTHON=/path/to/python3.11"; exit 1; }
TEX_PACKAGES := latexmk texlive-latex-base texlive-latex-recommended texlive-fonts-recommended poppler-utils
# The workflow's jobs run the venv's python.
export PATH := $(CURDIR)/$(BIN):$(PATH)

PROFILE ?= default
.PHONY: paper smoke test verify reference compare arxiv report setup lock tex clean

paper: setup tex
	$(BIN)/snakemake --profile workflow/profiles/default
	@echo "The paper: paper/build/paper.pdf"

smoke: setup tex
	$(BIN)/snakemake --profile workflow/profiles/smoke
	@echo "The smoke paper: paper/build/paper.pdf (marked SMOKE BUILD)"

arxiv: setup tex
	$(BIN)/snakemake --profile workflow/profiles/$(PROFILE) paper/build/arxiv.tar.gz
	@echo "The submission tarball: paper/build/arxiv.tar.gz"

report: setup tex
	$(BIN)/snakemake --profile workflow/profiles/$(PROFILE)
	$(BIN)/snakemake --profile workflow/profiles/$(PROFILE) --report paper/build/report.html
	@echo "The report: paper/build/report.html"

test: setup
	@$(MAKE) --no-print-directory tex || echo "make test: TeX is missing, so the tests that build a PDF will be skipped (they say why)."
	$(BIN)/python -m pytest

verify: setup
	$(BIN)/python workflow/scripts/verify.py

reference: setup
	$(BIN)/python workflow/scripts/verify.py --record
	$(BIN)/python workflow/scripts/compare.py --record-default results

REF ?= workflow/reference/default
compare: setup
	$(BIN)/python workflow/scripts/compare.py $(REF) results

setup: $(VENV)/.installed

# Every download is checked against the lock's hashes. setuptools goes first (its lines of the lock), so that the one
# package shipped only as source (connection-pool) and this project build with it, not in an isolated build
# environment that would fetch setuptools unchecked.
$(VENV)/.installed: pyproject.toml $(LOCK)
	@$(CHECK_PYTHON)
	$(PYTHON) -m venv $(VENV)
	sed -n '/^setuptools==/,/^ *#/p' $(LOCK) | grep -v '^ *#' > $(VENV)/setuptools.lock
	$(BIN)/pip install --quiet --require-hashes --no-deps $(PIP_INDEX) -r $(VENV)/setuptools.lock
	$(BIN)/pip install --quiet --require-hashes --no-deps --no-build-isolation $(PIP_INDEX) -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation --no-index -e .
	touch $@

# pip-compile keeps the lock's pins that pyproject.toml still allows, adds what is new, drops what is gone, and
# hashes every file of each pinned release (all platforms). It writes a copy; the lock changes only if that differs.
lock:
	@$(CHECK_PYTHON)
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	set -x; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/pip" install --quiet $(PIP_TOOLS); \
	cp $(LOCK) "$$tmp/lock" 2>/dev/null || :; \
	CUSTOM_COMPILE_COMMAND="make lock" "$$tmp/venv/bin/pip-compile" --quiet --generate-hashes --allow-unsafe \
		--extra cluster --build-deps-for editable --strip-extras --no-emit-index-url --no-emit-find-links \
		$(PIP_INDEX) -o "$$tmp/lock" pyproject.toml; \
	{ set +x; } 2>/dev/null; \
	if cmp -s "$$tmp/lock" $(LOCK); then echo "$(LOCK) is up to date"; else cp "$$tmp/lock" $(LOCK); echo "$(LOCK) rewritten"; fi

# TeX Live (and poppler-utils' pdffonts, for the figure font test) from Debian's packages: installed when missing and we are root, else the command to run.
tex:
	@if command -v latexmk >/dev/null && command -v pdflatex >/dev/null && command -v bibtex >/dev/null && command -v pdffonts >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing TeX Live from Debian's packages: $(TEX_PACKAGES)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(TEX_PACKAGES); \
	else \
		echo "TeX Live and latexmk are missing. Install them, then run make again:"; \
		echo "    sudo apt-get install --no-install-recommends $(TEX_PACKAGES)"; \
		exit 1; \
	fi

clean:
	rm -rf results paper/generated paper/build .snakemake
