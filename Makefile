# rmqsim: deterministic simulator for RocketMQ 4.8 clusters.
GO ?= go
PKGS := ./...

.PHONY: run results model-check test test-long bench bench-core bench-scale lint build

# The main job: reproduce the field experiment and write results/ (its
# incident report, from scenarios/field-experiment.yaml alone), then the
# shipped design review (reviews/failover-timeouts.yaml), the other
# incident's report and the model check.
run: results

results: build
	$(GO) run ./cmd/simulate report field-experiment -seeds 1..16 -out results
	$(GO) run ./cmd/simulate sweep -spec reviews/failover-timeouts.yaml -out results/design-review
	$(GO) run ./cmd/simulate report scenarios/incidents/producer-blocked-broker-crash.yaml -seeds 1..16 -out results/incidents
	@$(MAKE) --no-print-directory model-check

# Exhaustive fault schedules of the shipped spaces (docs/model-check.md),
# about 15 s on 2 cores. The nameserver tier runs at depth 2 here; its
# space's own depth 3 (6,018 schedules, about a minute on 2 cores) is
# `make model-check MC_NS_DEPTH=3`, which writes a folder of its own.
MC_NS_DEPTH ?= 2
model-check: build
	$(GO) run ./cmd/simulate check scenarios/spaces/nameserver-tier.yaml -depth $(MC_NS_DEPTH) -out results/model-check/nameserver-tier-depth$(MC_NS_DEPTH)
	$(GO) run ./cmd/simulate check scenarios/spaces/broker-tier.yaml -out results/model-check/broker-tier

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
	$(GO) test -run '^$$' -bench . -benchmem -count $(BENCH_COUNT) ./sweep/

# Issue 10's workload: BenchmarkScale/{10k,100k,1M}, whole runs with
# every judge on (msgs/s, alloc-B/msg, peak-heap-B/msg, kept-B/msg).
bench-scale:
	$(GO) test -run '^$$' -bench 'Scale' -benchmem -count $(BENCH_COUNT) -timeout 120m ./scenarios/

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) tool staticcheck $(PKGS)
