# Parley build entry points. Every Go command needs the duckdb_arrow tag:
# go-duckdb only compiles its Arrow API with it.
GO      ?= go
export GOFLAGS := -tags=duckdb_arrow
BIN     := bin/parley
DEMO_DIR ?= demo-out
BENCH_SIZES ?= S,M

.PHONY: build demo test bench soak lint clean

build:
	$(GO) build -o $(BIN) ./cmd/parley

demo: build
	./$(BIN) demo --dir $(DEMO_DIR)

test:
	$(GO) test -count=1 -timeout 25m ./...

# The ladder times every stage against its floor; the ingest benchmark adds
# ingest vs. raw consume at three topic sizes, with peak RSS for each; the
# long-conversation benchmark builds 100k events held by one conversation
# against the same events over 10k conversations (x-spread, target <= 2).
bench: build
	$(GO) run ./bench/cmd/parley-bench --sizes $(BENCH_SIZES) --parley $(BIN)
	$(GO) test ./bench/ingestbench -run '^$$' -bench . -benchtime 1x
	$(GO) test ./metrics -run '^$$' -bench '^BenchmarkLongConversation$$' -benchtime 1x

# A bounded steady-load run of `parley ingest` (5 minutes unless
# SOAK_DURATION says otherwise): flat memory, no growth in goroutines or open
# files, every event exactly once. Not part of `make test`.
SOAK_DURATION ?= 5m
soak: build
	PARLEY_SOAK=1 PARLEY_SOAK_DURATION=$(SOAK_DURATION) PARLEY_BIN=$(abspath $(BIN)) \
		$(GO) test -count=1 -v -run '^TestSoak$$' -timeout 30m ./internal/hostile/

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

clean:
	rm -rf bin $(DEMO_DIR)
