# Quick start:  make book   (build the HTML book into _build/html)
#               make test   (run every test: emlib, the chapters, the built book in a browser)
# Each target creates the virtual environment .venv and installs the pinned
# requirements the first time, and again whenever a requirements file changes.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# the chapters' kernel must be this environment's Python, which has emlib
export PATH := $(abspath $(BIN)):$(PATH)
BUILD_BOOK := $(BIN)/jupyter-book build . -W -n --keep-going

.PHONY: book test lab notebooks student bench clean

book: $(VENV)/.book
	rm -rf _build
	$(BUILD_BOOK)

# Every test, and the book built as `make book` builds it.  The build (one core, its log in
# _build/build.log) runs beside pytest, which runs on one worker per core, each file on one
# worker, in the order tests/conftest.py sets (the files that read the built book last; they
# wait for it: built_site).  `$(BIN)/python -m pytest path` runs a part in one process, on a
# built book.
test: $(VENV)/.book $(VENV)/.test
	rm -rf _build && mkdir -p _build && touch _build/.building
	{ $(BUILD_BOOK) > _build/build.log 2>&1; \
	  echo $$? > _build/.built.tmp; mv _build/.built.tmp _build/.built; } & \
	$(BIN)/python -m pytest -n auto --dist loadfile --no-loadscope-reorder; tests=$$?; wait; \
	cat _build/build.log; built=$$(cat _build/.built); rm -f _build/.building _build/.built; \
	echo "book build: exit $$built; tests: exit $$tests"; test "$$built" = 0 && test "$$tests" = 0

# Open the chapters live in JupyterLab.
lab: $(VENV)/.book
	$(BIN)/jupyter lab book/

# Re-run every chapter and save it with its outputs (after changing a chapter or emlib).
notebooks: $(VENV)/.book
	$(BIN)/jupyter execute --inplace book/*.ipynb

# The student edition: the chapter notebooks without solutions, each exercise
# followed by a cell to answer in (_build/student/book/), and the book built
# from them with no solution shown (_build/student/_build/html/).
student: $(VENV)/.book
	$(BIN)/python scripts/student_edition.py

# emlib against scikit-learn, and the sliders of the built book: printed, saved
# under benchmarks/results/, and shown by the appendix (book/performance.ipynb),
# which is re-run on the new numbers.  `make book` afterwards shows them.
bench: book $(VENV)/.test
	$(BIN)/python benchmarks/bench_kmeans.py --out benchmarks/results
	$(BIN)/python benchmarks/bench_gmm.py --out benchmarks/results
	$(BIN)/python benchmarks/bench_holes.py --out benchmarks/results
	$(BIN)/python benchmarks/bench_hmm.py --out benchmarks/results
	$(BIN)/python benchmarks/bench_sliders.py --out benchmarks/results
	$(BIN)/jupyter execute --inplace book/performance.ipynb

clean:
	rm -rf _build

$(VENV)/.book: requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test: requirements-test.txt $(VENV)/.book
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@
