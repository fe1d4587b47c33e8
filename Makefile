# sparsetile: `make demo` and `make test` are all a new user needs; both run `make setup` first.
# Every stage prints a banner. Tools come from the npm lockfile and from Debian packages.

SHELL := /bin/bash
.DEFAULT_GOAL := help
NPM_STAMP := node_modules/.sparsetile-setup
CLI := node bin/sparsetile.mjs
banner = @printf '\n== %s ==\n' "$(1)"

.PHONY: help setup setup-npm setup-tools demo test test-slow regress lint bench clean

help:
	@echo "make demo      generate the paper RTL, schedule a layer, co-simulate it in Verilator"
	@echo "make test      unit, property and RTL tests (Verilator, Icarus, Yosys)"
	@echo "make test-slow the slower suite: more random configs, synthesis of the large configs"
	@echo "make regress   the full co-simulation regression"
	@echo "make lint      type-check and eslint"
	@echo "make bench     scheduler, golden-model and simulator throughput"
	@echo "make clean     remove generated output"

setup: setup-npm setup-tools

# npm packages from the lockfile; re-run only when the lockfile changes.
setup-npm: $(NPM_STAMP)
$(NPM_STAMP): package-lock.json package.json
	$(call banner,SETUP npm ci)
	# onnxruntime-node bundles its CPU binaries; its install script would only fetch CUDA extras from nuget.org, which this network does not reach.
	ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund
	@touch $@

# Verilator, Icarus Verilog, Yosys and Chromium (the report's browser test) from Debian, only if one of
# them is missing; numpy for Python
# (the .npy reader is checked against numpy.load itself).
setup-tools:
	@missing=""; for t in verilator iverilog yosys chromium; do command -v $$t >/dev/null || missing="$$missing $$t"; done; \
	python3 -c 'import numpy' 2>/dev/null || /usr/bin/python3 -c 'import numpy' 2>/dev/null || missing="$$missing python3-numpy"; \
	if [ -n "$$missing" ]; then \
	  printf '\n== SETUP apt-get install%s ==\n' "$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

demo: setup
	$(call banner,DEMO)
	$(CLI) demo

test: setup
	$(call banner,TEST)
	npx vitest run

test-slow: setup
	$(call banner,TEST slow tier)
	SPARSETILE_SLOW=1 npx vitest run

regress: setup
	$(call banner,REGRESS full)
	$(CLI) regress --suite full

lint: setup-npm
	$(call banner,LINT tsc)
	npx tsc --noEmit
	$(call banner,LINT eslint)
	npx eslint .

bench: setup
	$(call banner,BENCH)
	npx tsx bench/run.ts

clean:
	$(call banner,CLEAN)
	rm -rf rtl-out/* .cache bench-out
