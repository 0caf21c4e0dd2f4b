# rmqsim: deterministic simulator for RocketMQ 4.8 clusters.
GO ?= go
PKGS := ./...

.PHONY: run results test test-long bench bench-core bench-scale lint build

# The main job: reproduce the field experiment and write results/.
run: results

results: build
	$(GO) run ./cmd/simulate reproduce -out results

build:
	$(GO) build $(PKGS)

# Every test, a modest number of property checks. Lint first: it is cheap.
test: lint
	$(GO) test -count=1 $(PKGS)

# Many property checks (rapid); minutes, not seconds.
test-long:
	RAPID_CHECKS=2000 $(GO) test -count=1 -timeout 60m $(PKGS)

# Benchmarks, BENCH_COUNT runs each so that benchstat can compare two
# outputs (docs/performance.md): `make bench > new.txt`, then
# `benchstat old.txt new.txt`.
BENCH_COUNT ?= 6

bench: bench-core bench-scale

# The kernel, the model's hot paths, the packed history, the judges and
# the field experiment.
bench-core:
	$(GO) test -run '^$$' -bench . -benchmem -count $(BENCH_COUNT) ./sim/ ./model/... ./history/ ./check/ ./explain/
	$(GO) test -run '^$$' -bench 'Field|Linearizability' -benchmem -count $(BENCH_COUNT) ./scenarios/

# Issue 10's workload: BenchmarkScale/{10k,100k,1M}, whole runs with
# every judge on (msgs/s, alloc-B/msg, peak-heap-B/msg, kept-B/msg).
bench-scale:
	$(GO) test -run '^$$' -bench 'Scale' -benchmem -count $(BENCH_COUNT) -timeout 120m ./scenarios/

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
