# The two commands a reader needs: `make paper` and `make test`. Both set up what they need.
#   make paper   the real paper -> paper/build/paper.pdf (about 11 minutes on 2 cores)
#   make smoke   the same paper from tiny grids, marked SMOKE (about 2 minutes)
#   make test    the tests (they run the smoke build end to end)
#   make verify  rebuild the smoke results from clean and compare them with workflow/checksums/smoke.sha256
#   make checksums  record those checksums for this machine (after a change that moves the smoke results)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
TEX_PACKAGES := latexmk texlive-latex-base texlive-latex-recommended texlive-fonts-recommended
# The workflow's jobs run the venv's python.
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: paper smoke test verify checksums setup tex clean

paper: setup tex
	$(BIN)/snakemake --profile workflow/profiles/default
	@echo "The paper: paper/build/paper.pdf"

smoke: setup tex
	$(BIN)/snakemake --profile workflow/profiles/smoke
	@echo "The smoke paper: paper/build/paper.pdf (marked SMOKE BUILD)"

test: setup
	@$(MAKE) --no-print-directory tex || echo "make test: TeX is missing, so the tests that build a PDF will be skipped (they say why)."
	$(BIN)/python -m pytest

verify: setup
	$(BIN)/python workflow/scripts/verify.py

checksums: setup
	$(BIN)/python workflow/scripts/verify.py --record

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is needed, found " + sys.version' \
		|| { echo "make: set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[cluster]'
	touch $@

# TeX Live from Debian's packages: installed when missing and we are root, else the command to run.
tex:
	@if command -v latexmk >/dev/null && command -v pdflatex >/dev/null && command -v bibtex >/dev/null; then :; \
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
