# rmqsim: deterministic simulator for RocketMQ 4.8 clusters.
GO ?= go
PKGS := ./...

.PHONY: run results test test-long bench lint build

# The main job: reproduce the field experiment and write results/, then
# the shipped design review (reviews/failover-timeouts.yaml).
run: results

results: build
	$(GO) run ./cmd/simulate reproduce -out results
	$(GO) run ./cmd/simulate sweep -spec reviews/failover-timeouts.yaml -out results/design-review

build:
	$(GO) build $(PKGS)

# Every test, a modest number of property checks. Lint first: it is cheap.
test: lint
	$(GO) test -count=1 $(PKGS)

# Many property checks (rapid); minutes, not seconds.
test-long:
	RAPID_CHECKS=2000 $(GO) test -count=1 -timeout 60m $(PKGS)

bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 6 ./sim/ ./model/ ./scenarios/ ./sweep/

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
