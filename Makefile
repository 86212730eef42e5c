# banlist — every command a developer or CI needs. `make help` lists them.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(HOME)/go/bin:/usr/local/go/bin:$(PATH)

WAILS_VERSION := v2.15.0
APT_PKGS      := libgtk-3-dev libwebkit2gtk-4.1-dev xvfb xauth x11-apps imagemagick xdotool chromium curl \
                 crowdsec-firewall-bouncer ipset iptables nftables iproute2 sshfs openssh-server postgresql
BIN           := build/bin/banlist
TEST_BIN      := build/bin/banlist-test
GO_FILES       = $(shell git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './frontend/*')
# Our Go packages, named explicitly: `./...` would also walk frontend/node_modules,
# where some npm packages ship stray .go files.
GO_PKGS        = . ./backend/... $(if $(wildcard bench),./bench/...)
FRONTEND_SRC   = $(shell find frontend/src frontend/index.html frontend/vite.config.ts frontend/tsconfig.json -type f 2>/dev/null)

.PHONY: help gen run serve build test test-go test-frontend test-e2e test-desktop test-enforce test-share fuzz bench lint deps deps-apt deps-wails deps-npm deps-tools clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16

## ---- set-up (idempotent; quick when everything is there) ----
deps: deps-tools deps-apt deps-wails deps-npm ## install everything the build and the tests need

NODE_MIN := 20
deps-tools: ## check that Go (at least go.mod's version) and Node (at least 20) are installed
	@want=$$(awk '$$1 == "go" { print $$2; exit }' go.mod); \
	have=$$(go env GOVERSION 2>/dev/null | sed 's/^go//') || have=; \
	if [ -z "$$have" ]; then echo "Go $$want or newer is needed: https://go.dev/dl/ (not found on PATH)"; exit 1; fi; \
	if [ "$$(printf '%s\n%s\n' "$$want" "$$have" | sort -V | head -n1)" != "$$want" ]; then \
	  echo "Go $$want or newer is needed (go.mod); this machine has Go $$have: https://go.dev/dl/"; exit 1; fi
	@have=$$(node --version 2>/dev/null | sed 's/^v//') || have=; \
	if [ -z "$$have" ]; then echo "Node.js $(NODE_MIN) or newer is needed: https://nodejs.org/ (not found on PATH)"; exit 1; fi; \
	if [ "$${have%%.*}" -lt $(NODE_MIN) ]; then echo "Node.js $(NODE_MIN) or newer is needed; this machine has Node $$have"; exit 1; fi

deps-apt: ## Debian packages: GTK/WebKit for the window, Xvfb and ImageMagick for the smoke test, Chromium for browser tests, the CrowdSec firewall bouncer for the enforcement test, PostgreSQL for the Go tests
	@bash .ci/apt-deps.sh $(APT_PKGS)

deps-wails: ## the pinned Wails CLI
	@# Captured first: `wails version | grep -q` under pipefail fails with 141 when grep exits early.
	@v=$$(wails version 2>/dev/null) || v=; \
	grep -qx '$(WAILS_VERSION)' <<<"$$v" || { echo "installing wails $(WAILS_VERSION)"; go install github.com/wailsapp/wails/v2/cmd/wails@$(WAILS_VERSION); }

deps-npm: frontend/node_modules/.package-lock.json ## frontend packages, exactly as locked

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	@# Some npm packages ship stray .go files; a go.mod here keeps them out of our module.
	@printf 'module node_modules\n' > frontend/node_modules/go.mod
	@touch $@

## ---- build ----
frontend/dist/index.html: frontend/node_modules/.package-lock.json $(FRONTEND_SRC)
	cd frontend && npm run build

$(TEST_BIN): frontend/dist/index.html $(GO_FILES) go.mod go.sum
	go build -o $@ .

build: deps ## the desktop binary with `wails build` (build/bin/banlist)
	wails build -clean -trimpath -skipbindings -m

run: deps frontend/dist/index.html ## build and open the desktop app on the default database (with demo data)
	wails build -trimpath -s -skipbindings -m
	./$(BIN)

serve: deps-npm $(TEST_BIN) ## serve the UI and API on http://127.0.0.1:8080
	./$(TEST_BIN) serve

gen: frontend/dist/index.html ## rewrite frontend/src/api/generated.ts from the Go API (types, signatures, routes)
	BANLIST_GEN=1 go test -count=1 -run '^TestTypeScriptAPIIsGenerated$$' .

## ---- checks ----
lint: deps-npm frontend/dist/index.html ## gofmt, go vet, vue-tsc
	@unformatted=$$(gofmt -l $(GO_FILES)); if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	go vet $(GO_PKGS)
	cd frontend && npx vue-tsc --noEmit

test: deps lint test-frontend test-e2e test-desktop test-enforce fuzz test-go test-share ## everything CI runs

FUZZTIME ?= 4s
FUZZ_TARGETS := ./backend/ipaddr:FuzzParse ./backend/banscsv:FuzzParse ./backend/contacts:FuzzImportCSV \
	./backend/contacts:FuzzImportJSON ./backend/httpapi:FuzzDecodeBody
fuzz: frontend/dist/index.html ## run each fuzz target briefly (FUZZTIME, default 4s)
	@for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; fn=$${t##*:}; \
	  echo "fuzz $$fn ($$pkg) for $(FUZZTIME)"; \
	  log=$$(mktemp); \
	  if ! go test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 2s $$pkg >$$log 2>&1; then \
	    tail -n 40 $$log; rm -f $$log; exit 1; fi; \
	  tail -n 2 $$log; rm -f $$log; \
	done

test-frontend: deps-npm ## Vitest component tests
	cd frontend && npx vitest run

# with_postgres runs $(1) with a throwaway PostgreSQL server from Debian's
# packages, named by BANLIST_TEST_POSTGRES; the server lives for the recipe
# only (stopped on any exit). If it does not start, the recipe fails:
# PostgreSQL tests never skip here (BANLIST_REQUIRE_POSTGRES=1).
define with_postgres
	@bash .ci/apt-deps.sh postgresql
	pgdir=$$(mktemp -d -t banlist-pg.XXXXXX); chmod 755 "$$pgdir"; \
	trap 'bash .ci/postgres.sh stop "$$pgdir/pg"; rmdir "$$pgdir"' EXIT; \
	dsn=$$(bash .ci/postgres.sh start "$$pgdir/pg"); \
	export BANLIST_TEST_POSTGRES="$$dsn" BANLIST_REQUIRE_POSTGRES=1; $(1)
endef

test-e2e: deps-npm $(TEST_BIN) ## browser tests: playwright-core + Chromium against `banlist serve` (some on a throwaway PostgreSQL)
	$(call with_postgres,(cd frontend && BANLIST_BIN=$(CURDIR)/$(TEST_BIN) node --test --test-concurrency=1 e2e/))

test-desktop: deps frontend/dist/index.html ## wails build, then start the window under Xvfb and screenshot it
	wails build -trimpath -s -skipbindings -m
	bash .ci/smoke-desktop.sh $(BIN)

test-enforce: deps-apt $(TEST_BIN) ## real packets: banlist serve + Debian's firewall bouncer in two network namespaces (root; skips otherwise)
	BANLIST_BIN=$(CURDIR)/$(TEST_BIN) go test -count=1 -v -run '^TestFirewallBouncerEnforcesBans$$' ./backend/netlab

test-share: deps-apt $(TEST_BIN) ## two serve processes and the CLI on two sshfs mounts of one folder (root; skipped otherwise)
	BANLIST_SHARE_TEST=1 BANLIST_BIN=$(CURDIR)/$(TEST_BIN) go test -count=1 -v -run '^TestTwoMachines' ./backend/sharetest/

# The suites that hold the service's behaviour run a second time with every
# storetest.Open on its own PostgreSQL database (BANLIST_TEST_ENGINE).
ENGINE_PKGS = ./backend/bans ./backend/contacts ./backend/service ./backend/httpapi ./backend/lapi ./backend/demo

test-go: frontend/dist/index.html ## Go unit, integration and multi-process tests (race detector on), on SQLite and again on a throwaway PostgreSQL
	$(call with_postgres,go test -race -count=1 $(GO_PKGS) && \
	  echo "== the same suites on PostgreSQL (BANLIST_TEST_ENGINE=postgres)" && \
	  BANLIST_TEST_ENGINE=postgres go test -race -count=1 $(ENGINE_PKGS))

bench: frontend/dist/index.html ## benchmarks at scale (never part of make test): prints a table, writes docs/BENCHMARKS.md
	@bash .ci/apt-deps.sh sqlite3
	@$(MAKE) --no-print-directory deps $(TEST_BIN)
	wails build -trimpath -s -skipbindings -m
	go build -o build/bin/banlist-bench ./bench/cmd/banlist-bench
	./build/bin/banlist-bench -out docs/BENCHMARKS.md -command "make bench"

clean:
	rm -rf build/bin frontend/dist test-artifacts
