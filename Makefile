# Hermes Platform. `make help` lists the targets; README.md explains them.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Node 24 may live in /usr/local (root install) or in the project-local .tools prefix; both come first.
export PATH := $(CURDIR)/.tools/bin:/usr/local/bin:$(CURDIR)/node_modules/.bin:$(PATH)
NODE_MAJOR_MIN := 22
NODE_VERSION := 24
PNPM_VERSION := 10
# System packages the real-infrastructure tests use (Debian names).
APT_PACKAGES := nats-server postgresql redis-server docker.io openssh-server bubblewrap busybox-static
HERMES := node packages/cli/bin/hermes.js

.PHONY: help setup setup-node setup-system setup-deps gen gen-check build typecheck lint format test run bench clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{ printf "  make %-12s %s\n", $$1, $$2 }'

setup: setup-node setup-system setup-deps ## Install what is missing: Node 24 + pnpm, system packages (as root with apt), dependencies

setup-node:
	@major=$$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0); \
	if [ "$$major" -lt $(NODE_MAJOR_MIN) ]; then \
	  echo "setup: node $$(node --version 2>/dev/null || echo missing) is older than $(NODE_MAJOR_MIN); installing node@$(NODE_VERSION) and pnpm@$(PNPM_VERSION) from the npm registry"; \
	  if [ "$$(id -u)" = 0 ]; then npm install -g --prefix /usr/local node@$(NODE_VERSION) pnpm@$(PNPM_VERSION); \
	  else npm install -g --prefix "$(CURDIR)/.tools" node@$(NODE_VERSION) pnpm@$(PNPM_VERSION); fi; \
	fi; \
	if ! command -v pnpm >/dev/null || [ "$$(pnpm --version | cut -d. -f1)" != "$(PNPM_VERSION)" ]; then \
	  echo "setup: installing pnpm@$(PNPM_VERSION)"; \
	  if [ "$$(id -u)" = 0 ]; then npm install -g --prefix /usr/local pnpm@$(PNPM_VERSION); \
	  else npm install -g --prefix "$(CURDIR)/.tools" pnpm@$(PNPM_VERSION); fi; \
	fi; \
	echo "setup: node $$(node --version), pnpm $$(pnpm --version)"

setup-system:
	@missing=""; \
	for bin in nats-server redis-server dockerd sshd bwrap busybox; do \
	  command -v $$bin >/dev/null || [ -x /usr/sbin/$$bin ] || missing="$$missing $$bin"; \
	done; \
	ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing="$$missing postgres"; \
	if [ -z "$$missing" ]; then echo "setup: system packages present"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "setup: installing system packages (missing:$$missing)"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $(APT_PACKAGES) >/dev/null; \
	else echo "setup: warning: missing$$missing; install with: sudo apt-get install -y $(APT_PACKAGES)"; fi

setup-deps:
	@if [ ! -f node_modules/.modules.yaml ] || [ pnpm-lock.yaml -nt node_modules/.modules.yaml ] || [ package.json -nt node_modules/.modules.yaml ]; then \
	  pnpm install --frozen-lockfile --prefer-offline; \
	else echo "setup: dependencies up to date"; fi

gen: setup-deps ## Regenerate packages/proto from proto/ (buf generate with protoc-gen-es v2)
	cd proto && buf lint && buf generate

gen-check: gen ## Fail when regeneration changes a committed file
	@if [ -n "$$(git status --porcelain -- packages/proto/src/gen)" ]; then \
	  git status --porcelain -- packages/proto/src/gen; \
	  echo "gen-check: generated code differs from proto/: run 'make gen' and commit the result"; exit 1; \
	else echo "gen-check: generated code matches proto/"; fi

typecheck: setup-deps ## Type-check the whole workspace (TypeScript strict)
	tsc -p tsconfig.json

build: gen typecheck ## Generate and type-check (Node 24 runs the TypeScript sources directly; no emit step)

lint: setup-deps ## Biome lint + format check, buf lint (includes the packages/security purity rule)
	biome check .
	cd proto && buf lint

format: setup-deps ## Apply the formatter
	biome check --write .

test: setup lint gen-check typecheck ## Install what is missing, start NATS/Postgres/Redis, run every test
	node test/run-tests.ts

run: setup ## Start the whole platform embedded in one process (hermes up)
	$(HERMES) up

bench: setup ## Run every benchmark in test/bench and print the figures
	@for b in test/bench/*.bench.ts; do echo "== $$b"; node test/run-tests.ts --bench "$$b" || exit 1; done

clean: ## Remove installed dependencies and test leftovers
	rm -rf node_modules packages/*/node_modules services/*/node_modules .tools
