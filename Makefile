# Lightwatch: `make run` starts everything on one port; `make test` runs every test.
SHELL := /bin/bash
GO    ?= go
SPECS := ingest api

.PHONY: run test generate check-generated vet load wsload schemathesis help

help:
	@echo "make run              the whole system on :8080 with embedded defaults"
	@echo "make test             vet, generated-code check and all tests with -race"
	@echo "make generate         regenerate internal/gen/ from openapi/"
	@echo "make schemathesis     Schemathesis against a live server, both specs (part of make test)"
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

test: vet check-generated asyncapi-tools
	$(GO) test -race -count=1 -timeout 15m ./...
	$(MAKE) --no-print-directory schemathesis

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
