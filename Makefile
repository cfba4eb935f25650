# Lightwatch: `make run` starts everything on one port; `make test` runs every test.
SHELL := /bin/bash
GO    ?= go
SPECS := ingest api

.PHONY: run test test-short lint generate check-generated vet load wsload schemathesis help

help:
	@echo "make run              the whole system on :8080 with embedded defaults"
	@echo "make test             vet, generated-code check and all tests with -race"
	@echo "make lint             golangci-lint (pinned in tools/lint/go.mod; config .golangci.yml)"
	@echo "make test-short       the fast local loop: go test -short, no race detector"
	@echo "make generate         regenerate internal/gen/ from openapi/"
	@echo "make sdk              regenerate the Go, TypeScript and Python client SDKs in internal/gen/sdk/"
	@echo "make console          rebuild the web console (web/console) into internal/impl/console/dist"
	@echo "make schemathesis     Schemathesis against a live server, both specs (part of make test)"
	@echo "make helm-check       render, validate and lint the Helm chart (part of make test)"
	@echo "make load             end-to-end ingest load test (see README: Speed)"
	@echo "make wsload           end-to-end realtime fan-out load test (see README: Speed)"

run:
	LIGHTWATCH_LOG_FORMAT=$${LIGHTWATCH_LOG_FORMAT:-text} $(GO) run ./cmd/lightwatch

generate:
	@for s in $(SPECS); do \
		$(GO) tool oapi-codegen -config openapi/$$s.codegen.yaml openapi/$$s.yaml || exit 1; \
	done

# Fails when internal/gen/ is not what the specs produce (someone edited
# generated code, or changed a spec without `make generate`).
check-generated:
	@tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; \
	for s in $(SPECS); do \
		out=$$(sed -n 's/^output: *//p' openapi/$$s.codegen.yaml); \
		sed "s|^output: .*|output: $$tmp/$$s.go|" openapi/$$s.codegen.yaml > $$tmp/$$s.cfg.yaml; \
		$(GO) tool oapi-codegen -config $$tmp/$$s.cfg.yaml openapi/$$s.yaml || exit 1; \
		diff -u $$out $$tmp/$$s.go > $$tmp/diff || { head -40 $$tmp/diff; echo "$$out differs from what openapi/$$s.yaml generates: run make generate"; exit 1; }; \
	done; echo "generated code is up to date"

vet:
	$(GO) vet ./...

# golangci-lint, pinned in its own module (tools/lint/go.mod) so that its
# dependencies stay out of go.mod; configuration in .golangci.yml. Not yet a
# step of make test: a cold build and run cost minutes on 2 cores.
lint:
	$(GO) tool -modfile=tools/lint/go.mod golangci-lint run ./...

# The fast local loop: no race detector, slow suites skipped (-short).
test-short:
	$(GO) test -short -count=1 ./...

test: vet check-generated check-sdk check-console asyncapi-tools protocol-tools
	$(GO) test -race -count=1 -timeout 15m ./...
	$(MAKE) --no-print-directory schemathesis
	$(MAKE) --no-print-directory helm-check

# The Helm chart (deploy/helm/lightwatch) rendered for both modes and a matrix
# of values with Helm's own Go packages (pinned in deploy/helm/test/go.mod, a
# module of its own so Helm and Kubernetes stay out of go.mod), every object
# decoded strictly into the Kubernetes API types, helm lint, the README's
# values table. No cluster needed.
.PHONY: helm-check
helm-check:
	cd deploy/helm/test && $(GO) vet ./... && $(GO) test -count=1 ./...

load:
	$(GO) run ./cmd/lightwatch-load $(LOADFLAGS)

wsload:
	$(GO) run ./cmd/lightwatch-wsload $(LOADFLAGS)

# The AsyncAPI validator's node_modules (asyncapi/tools, used by internal/impl/asyncapitest):
# installed from the lock file when missing or older than it.
.PHONY: asyncapi-tools
asyncapi-tools: asyncapi/tools/node_modules/.package-lock.json
asyncapi/tools/node_modules/.package-lock.json: asyncapi/tools/package-lock.json asyncapi/tools/package.json
	npm ci --prefix asyncapi/tools --ignore-scripts --no-audit --no-fund
	@touch $@

# Client SDKs (README: Client SDKs), generated from openapi/ by pinned generators:
# oapi-codegen (go.mod; configs openapi/*.client.codegen.yaml), openapi-typescript
# (internal/impl/sdktest/typescript/package-lock.json) and openapi-python-client
# (internal/impl/sdktest/python/requirements.txt, in a virtualenv there). The
# live tests of all three (internal/impl/sdktest) need the same tools.
SDK_DIR  := internal/gen/sdk
SDK_TS   := internal/impl/sdktest/typescript
SDK_PY   := internal/impl/sdktest/python
SDK_VENV := $(SDK_PY)/.venv

.PHONY: sdk sdk-into check-sdk sdk-tools
sdk: sdk-tools
	@$(MAKE) --no-print-directory sdk-into OUT=$(SDK_DIR)
	@echo "SDKs regenerated in $(SDK_DIR)"

# sdk-into writes every SDK under OUT; generators write whole files or
# directories, so the result depends on the specs and the pinned tools only (PYTHONHASHSEED:
# openapi-python-client orders literal enums through a set).
sdk-into:
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; \
	for s in $(SPECS); do \
		sed "s|^output: $(SDK_DIR)/|output: $(OUT)/|" openapi/$$s.client.codegen.yaml > $$tmp/$$s.cfg.yaml; \
		mkdir -p $$(dirname $$(sed -n 's/^output: *//p' $$tmp/$$s.cfg.yaml)); \
		$(GO) tool oapi-codegen -config $$tmp/$$s.cfg.yaml openapi/$$s.yaml; \
		$(SDK_TS)/node_modules/.bin/openapi-typescript openapi/$$s.yaml -o $(OUT)/typescript/$$s.d.ts >$$tmp/log 2>&1 || { cat $$tmp/log; exit 1; }; \
		PATH=$(abspath $(SDK_VENV))/bin:$$PATH RUFF_NO_CACHE=true PYTHONHASHSEED=0 $(SDK_VENV)/bin/openapi-python-client generate \
			--path openapi/$$s.yaml --output-path $(OUT)/python/lightwatch_$$s --meta none \
			--config $(SDK_PY)/openapi-python-client.yaml --overwrite >$$tmp/log 2>&1 || { cat $$tmp/log; exit 1; }; \
	done

# Fails when internal/gen/sdk/ is not what the specs produce.
check-sdk: sdk-tools
	@tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; \
	$(MAKE) --no-print-directory sdk-into OUT=$$tmp || exit 1; \
	diff -ru -x __pycache__ $(SDK_DIR) $$tmp > $$tmp.diff || { head -60 $$tmp.diff; rm -f $$tmp.diff; echo "$(SDK_DIR) differs from what openapi/ generates: run make sdk"; exit 1; }; \
	rm -f $$tmp.diff; echo "SDKs are up to date"

# The SDK generators and test runtimes: node_modules from the lock file and a
# virtualenv from the pinned requirements, each reinstalled when its pin file changes.
sdk-tools: $(SDK_TS)/node_modules/.package-lock.json $(SDK_VENV)/.installed
$(SDK_TS)/node_modules/.package-lock.json: $(SDK_TS)/package-lock.json $(SDK_TS)/package.json
	npm ci --prefix $(SDK_TS) --ignore-scripts --no-audit --no-fund
	@touch $@
$(SDK_VENV)/.installed: $(SDK_PY)/requirements.txt
	rm -rf $(SDK_VENV)
	python3 -m venv $(SDK_VENV)
	$(SDK_VENV)/bin/pip install --quiet --disable-pip-version-check --require-virtualenv -r $(SDK_PY)/requirements.txt
	@touch $@

# Schemathesis (openapi/schemathesis): installed from the hash-pinned
# requirements into a virtualenv under bin/ (gitignored) when missing or older
# than them, then run against a live cmd/lightwatch by run.sh.
ST_VENV := bin/schemathesis-venv
.PHONY: schemathesis-tools
schemathesis-tools: $(ST_VENV)/.installed
$(ST_VENV)/.installed: openapi/schemathesis/requirements.txt
	rm -rf $(ST_VENV)
	python3 -m venv $(ST_VENV)
	$(ST_VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r $<
	@touch $@

schemathesis: schemathesis-tools
	openapi/schemathesis/run.sh $(ST_VENV)/bin/schemathesis

# The third-party clients the standard-protocol tests drive (OpenTelemetry
# Python SDK, Elasticsearch Python client), pinned in
# internal/impl/protocoltest/python/requirements.txt, in a virtualenv there.
PROTO_VENV := internal/impl/protocoltest/python/.venv
.PHONY: protocol-tools
protocol-tools: $(PROTO_VENV)/.installed
$(PROTO_VENV)/.installed: internal/impl/protocoltest/python/requirements.txt
	rm -rf $(PROTO_VENV)
	python3 -m venv $(PROTO_VENV)
	$(PROTO_VENV)/bin/pip install --quiet --disable-pip-version-check --require-virtualenv -r $<

# The web console (docs/console.md): TypeScript sources in web/console, built
# with the toolchain pinned in its package-lock.json (esbuild, typescript) into
# internal/impl/console/dist, which is committed and embedded in the binary.
CONSOLE := web/console
CONSOLE_DIST := internal/impl/console/dist

.PHONY: console console-tools check-console
console: console-tools
	cd $(CONSOLE) && node_modules/.bin/tsc --noEmit -p . && node build.mjs ../../$(CONSOLE_DIST)

# Fails when the committed build is not what the sources (and the generated
# TypeScript types of the specs) produce.
check-console: console-tools
	@tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; \
	(cd $(CONSOLE) && node_modules/.bin/tsc --noEmit -p . && node build.mjs $$tmp/dist) || exit 1; \
	diff -ru $(CONSOLE_DIST) $$tmp/dist > $$tmp/diff || { head -20 $$tmp/diff; echo "$(CONSOLE_DIST) differs from what $(CONSOLE) builds: run make console"; exit 1; }; \
	echo "console build is up to date"

console-tools: $(CONSOLE)/node_modules/.package-lock.json
$(CONSOLE)/node_modules/.package-lock.json: $(CONSOLE)/package-lock.json $(CONSOLE)/package.json
	npm ci --prefix $(CONSOLE) --ignore-scripts --no-audit --no-fund
	@touch $@
