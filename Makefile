# The two commands a newcomer needs: `make demo` and `make test`.
# Both run scripts/setup.sh first, which installs what is missing (apt and pip).
SWIFT ?= swift
SHARED ?= $(abspath ../shared)
export MEETINGBOT_SHARED := $(SHARED)

.PHONY: setup build test demo sandbox benchmark bench rules-docs clean format report-png

setup:
	bash scripts/setup.sh

build: setup
	$(SWIFT) build

# Every test: unit tests, end-to-end tests against the sandbox over loopback,
# and the exchangelib contract tests (the Swift tests start the sandbox and the
# Python client themselves).
test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --parallel --num-workers 2

# The tour (meetingbot demo): a sandbox on a free loopback port with the demo
# mailboxes, a dry run and a real run of the bot with the shipped rules, the
# history and the report on file; then it stops the sandbox. No configuration.
demo: setup
	$(SWIFT) build --product meetingbot
	$$($(SWIFT) build --show-bin-path)/meetingbot demo

# The demo's mailboxes in a sandbox that stays up (Ctrl-C stops it), for trying
# the bot or exchangelib by hand on http://127.0.0.1:8080/EWS/Exchange.asmx.
sandbox: setup
	$(SWIFT) build --product meetingbot
	$$($(SWIFT) build --show-bin-path)/meetingbot sandbox --fixture scripts/demo-fixture.yml --port 8080 --schema $(SHARED)/ews/schema

# The benchmark (docs/benchmarks.md): the release bot against the sandbox's generated load, 2,000 and
# 50,000 waiting messages at 0 and 20 ms per call, beside the exchangelib baseline (bench/baseline.py) on
# fresh copies of the same load; one table per load and latency, also in .build/bench/results.md.
# BENCH_RUNS, BENCH_LOADS, BENCH_LATENCIES and BENCH_BASELINE_50K=1 change what runs (scripts/bench.py).
bench: setup
	$(SWIFT) build -c release --product meetingbot
	.venv/bin/python scripts/bench.py --binary $$($(SWIFT) build -c release --show-bin-path)/meetingbot

# Regenerates rules/README.md and the JSON Schema from Sources/MeetingRules
# (a test fails while the checked-in files differ from what this writes).
rules-docs:
	$(SWIFT) build --product meetingbot
	$$($(SWIFT) build --show-bin-path)/meetingbot rules schema > rules/meetingbot-rules.schema.json
	$$($(SWIFT) build --show-bin-path)/meetingbot rules docs > rules/README.md

# The HTML report of the fixed sample run (Tests/MeetingBotTests/Snapshots/run.html: the snapshot
# test, run first, fails while it differs from what the renderer writes) drawn by headless Chromium
# as the browser test loads it: a file:// page, in a network namespace of its own where it can have
# one (as root), so nothing leaves the machine; to .build/report.png.
report-png: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --filter ReportSnapshotTests
	$$(unshare --net true 2>/dev/null && echo unshare --net --) chromium --headless --no-sandbox --disable-gpu \
	  --hide-scrollbars --disable-background-networking --host-resolver-rules='MAP * ~NOTFOUND' \
	  --window-size=1280,2400 --screenshot=$(abspath .build/report.png) \
	  file://$(abspath Tests/MeetingBotTests/Snapshots/run.html) 2>.build/report-png.log \
	  || { cat .build/report-png.log; exit 1; }
	@echo "wrote .build/report.png"

clean:
	rm -rf .build

# One formatter (.swift-format, 120 columns): run before committing.
format:
	$(SWIFT) format format --in-place --recursive --parallel Sources Tests Benchmarks Package.swift
