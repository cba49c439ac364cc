# Parley build entry points. Plain Go commands work too (go build ./...,
# go test ./...): no build tag or GOFLAGS is needed.
GO      ?= go
SHELL   := /bin/bash
BIN     := bin/parley
DEMO_DIR ?= demo-out
BENCH_SIZES ?= S,M
# BENCH_PEERS=bento,postgres adds the peers: Bento against ingest, PostgreSQL
# (and plain DuckDB) computing a core subset of the metrics against build.
BENCH_PEERS ?=

.PHONY: build demo test bench soak verify lint clean

build:
	$(GO) build -o $(BIN) ./cmd/parley

demo: build
	./$(BIN) demo --dir $(DEMO_DIR)

# Every test. The report (internal/testreport) is go test's, plus each
# skipped test with its reason and a closing "N passed, N failed, N skipped";
# with CI set (make test CI=true, as .ci/run runs it) a skipped test fails
# the run, so a green CI has run every test.
test:
	set -o pipefail; $(GO) test -count=1 -timeout 25m -json ./... | $(GO) run ./internal/testreport $(if $(CI),-fail-on-skip)

# The ladder times every stage against its floor, and the build against the
# same build without the automatic QA checks (wall and CPU ratios, target
# <= 1.25); the ingest benchmark adds
# ingest vs. raw consume at three topic sizes, with peak RSS for each; the
# long-conversation benchmark builds 100k events held by one conversation
# against the same events over 10k conversations (x-spread, target <= 2);
# the Arrow benchmark reads 500k rows through Parley's tag-free Arrow path,
# database/sql and go-duckdb's own Arrow API (which needs -tags duckdb_arrow).
bench: build
	$(GO) run ./bench/cmd/parley-bench --sizes $(BENCH_SIZES) --parley $(BIN) --peers '$(BENCH_PEERS)'
	$(GO) test ./bench/ingestbench -run '^$$' -bench . -benchtime 1x
	$(GO) test ./metrics -run '^$$' -bench '^BenchmarkLongConversation$$' -benchtime 1x
	$(GO) test -tags duckdb_arrow ./internal/warehouse -run '^$$' -bench '^BenchmarkArrow$$' -benchtime 10x

# A bounded steady-load run of `parley ingest` (5 minutes unless
# SOAK_DURATION says otherwise): flat memory, no growth in goroutines or open
# files, every event exactly once. Not part of `make test`.
SOAK_DURATION ?= 5m
soak: build
	PARLEY_SOAK_DURATION=$(SOAK_DURATION) PARLEY_BIN=$(abspath $(BIN)) \
		$(GO) test -tags soak -count=1 -v -run '^TestSoak$$' -timeout 30m ./internal/hostile/

# The differential test of the SQL build against the executable specification
# (metrics/spec), at length: more generator seeds and days, 200 adversarial
# seeds. `make test` runs its short form. Not part of `make test`.
verify:
	PARLEY_VERIFY_LONG=1 $(GO) test -tags verify_long -count=1 -timeout 60m -run 'TestDifferential|TestAdversarialLong|FuzzAdversarial' ./metrics/verify/

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags duckdb_arrow,soak,verify_long ./...

clean:
	rm -rf bin $(DEMO_DIR)
