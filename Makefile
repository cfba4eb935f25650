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

# The drift checks' shared steps (check-generated, check-sdk, check-console):
# a temporary directory $$tmp for a fresh build, removed on exit, and
# $(call drift-diff,COMMITTED,FRESH,SOURCES,TARGET), which fails showing the
# start of the difference when the committed COMMITTED is not FRESH, what
# SOURCES produce (make TARGET brings it up to date).
drift-tmp = tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT
drift-diff = diff -ru -x __pycache__ $(1) $(2) > $$tmp/diff || { head -40 $$tmp/diff; echo "$(1) differs from what $(3) produces: run make $(4)"; exit 1; }

# Fails when internal/gen/ is not what the specs produce (someone edited
# generated code, or changed a spec without `make generate`).
check-generated:
	@$(drift-tmp); \
	for s in $(SPECS); do \
		out=$$(sed -n 's/^output: *//p' openapi/$$s.codegen.yaml); \
		sed "s|^output: .*|output: $$tmp/$$s.go|" openapi/$$s.codegen.yaml > $$tmp/$$s.cfg.yaml; \
		$(GO) tool oapi-codegen -config $$tmp/$$s.cfg.yaml openapi/$$s.yaml || exit 1; \
		$(call drift-diff,$$out,$$tmp/$$s.go,openapi/$$s.yaml,generate); \
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

# The project's npm tool sets (AsyncAPI validator, SDK generators, console
# build): each directory's node_modules installed from its lock file when
# missing or older than it.
%/node_modules/.package-lock.json: %/package-lock.json %/package.json
	npm ci --prefix $* --ignore-scripts --no-audit --no-fund
	@touch $@

# The project's Python tool sets: a virtualenv at $(@D) from the pinned
# requirements ($<), made anew when they change; $(1): more pip options.
define venv-install
rm -rf $(@D)
python3 -m venv $(@D)
$(@D)/bin/pip install --quiet --disable-pip-version-check --require-virtualenv $(1) -r $<
@touch $@
endef
%/.venv/.installed: %/requirements.txt
	$(call venv-install)

# The AsyncAPI validator's node_modules (asyncapi/tools, used by internal/impl/asyncapitest).
.PHONY: asyncapi-tools
asyncapi-tools: asyncapi/tools/node_modules/.package-lock.json

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
	@$(drift-tmp); \
	$(MAKE) --no-print-directory sdk-into OUT=$$tmp/sdk || exit 1; \
	$(call drift-diff,$(SDK_DIR),$$tmp/sdk,openapi/,sdk); \
	echo "SDKs are up to date"

# The SDK generators and test runtimes: node_modules from the lock file and a
# virtualenv from the pinned requirements, each reinstalled when its pin file changes.
sdk-tools: $(SDK_TS)/node_modules/.package-lock.json $(SDK_VENV)/.installed

# Schemathesis (openapi/schemathesis): installed from the hash-pinned
# requirements into a virtualenv under bin/ (gitignored) when missing or older
# than them, then run against a live cmd/lightwatch by run.sh.
ST_VENV := bin/schemathesis-venv
.PHONY: schemathesis-tools
schemathesis-tools: $(ST_VENV)/.installed
$(ST_VENV)/.installed: openapi/schemathesis/requirements.txt
	$(call venv-install,--require-hashes --no-deps)

schemathesis: schemathesis-tools
	openapi/schemathesis/run.sh $(ST_VENV)/bin/schemathesis

# The third-party clients the standard-protocol tests drive (OpenTelemetry
# Python SDK, Elasticsearch Python client), pinned in
# internal/impl/protocoltest/python/requirements.txt, in a virtualenv there.
PROTO_VENV := internal/impl/protocoltest/python/.venv
.PHONY: protocol-tools
protocol-tools: $(PROTO_VENV)/.installed

# The web console (docs/console.md): TypeScript sources in web/console, built
# with the toolchain pinned in its package-lock.json (esbuild, typescript) into
# internal/impl/console/dist, which is committed and embedded in the binary.
CONSOLE := web/console
CONSOLE_DIST := internal/impl/console/dist

.PHONY: console console-tools check-console
# $(call console-build,DIR): type-check the sources and build them into DIR
# (relative to $(CONSOLE), or absolute).
console-build = (cd $(CONSOLE) && node_modules/.bin/tsc --noEmit -p . && node build.mjs $(1))

console: console-tools
	$(call console-build,../../$(CONSOLE_DIST))

# Fails when the committed build is not what the sources (and the generated
# TypeScript types of the specs) produce.
check-console: console-tools
	@$(drift-tmp); \
	$(call console-build,$$tmp/dist) || exit 1; \
	$(call drift-diff,$(CONSOLE_DIST),$$tmp/dist,$(CONSOLE),console); \
	echo "console build is up to date"

console-tools: $(CONSOLE)/node_modules/.package-lock.json
