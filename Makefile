# The two commands a newcomer needs: `make demo` and `make test`.
# Both run scripts/setup.sh first, which installs what is missing (apt and pip).
SWIFT ?= swift
SHARED ?= $(abspath ../shared)
export MEETINGBOT_SHARED := $(SHARED)

.PHONY: setup build test demo sandbox benchmark bench rules-docs clean format report-png fuzz

setup:
	bash scripts/setup.sh

build: setup
	$(SWIFT) build

# Every test: unit tests, end-to-end tests against the sandbox over loopback,
# and the exchangelib contract tests (the Swift tests start the sandbox and the
# Python client themselves).
# swift-testing runs all of an invocation's tests at once, so the suites run in four
# invocations: first alone the transport's, which time a slow token endpoint against another
# mailbox's call and fail when the process is starved of threads; then the rest of the unit and
# end-to-end tests; then the fuzz runs, thousands of inputs each; then alone the crash,
# throttling and benchmark tests over generated loads.
TIMED_TESTS := CurlTransportTests
FUZZ_TESTS := Fuzz|HostileXML
HEAVY_TESTS := SafetyTests|ThrottlingTests|BenchTests

test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --filter '$(TIMED_TESTS)'
	$(SWIFT) test --skip-build --parallel --num-workers 2 --skip '$(TIMED_TESTS)|$(FUZZ_TESTS)|$(HEAVY_TESTS)'
	$(SWIFT) test --skip-build --parallel --num-workers 2 --filter '$(FUZZ_TESTS)'
	$(SWIFT) test --skip-build --filter '$(HEAVY_TESTS)'

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
# The bot is built as the Dockerfile ships it, its Swift runtime linked in (--static-swift-stdlib).
bench: setup
	$(SWIFT) build -c release --product meetingbot --static-swift-stdlib
	.venv/bin/python scripts/bench.py --binary $$($(SWIFT) build -c release --static-swift-stdlib --show-bin-path)/meetingbot

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

# The longer fuzz run (docs/FUZZING.md): libFuzzer from the Swift toolchain, FUZZ_SECONDS
# on each target: the XML layer and every EWS response parser, then the rules and
# configuration readers; seeded from Tests/Fuzz/Corpus, ../shared/ews/samples and rules/.
# Its own release build in .build/fuzz (instrumented, AddressSanitizer, linked with the
# toolchain's lld) leaves the normal build alone. What libFuzzer adds to the corpus stays
# in .build/fuzz/corpus; a crash, hang (-timeout) or memory blow-up (-rss_limit_mb,
# -malloc_limit_mb) stops the run and leaves its input in .build/fuzz/findings. No leak
# check: LeakSanitizer counts what Swift's one-time global initializers allocate as
# leaked at exit (a few KB, however many inputs ran); -rss_limit_mb bounds memory instead.
FUZZ_SECONDS ?= 300
FUZZ_BUILD := .build/fuzz
FUZZ_FLAGS = -c release --build-path $(FUZZ_BUILD) --toolset $(FUZZ_BUILD)/toolset.json \
	-Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing -Xswiftc -DFUZZING
FUZZ_RUN = -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 \
	-max_len=65536 -detect_leaks=0 -print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/findings/
FUZZ_ENV = ASAN_OPTIONS=detect_leaks=0

fuzz: setup
	mkdir -p $(FUZZ_BUILD)/findings $(FUZZ_BUILD)/corpus/responses $(FUZZ_BUILD)/corpus/files
	printf '{ "schemaVersion": "1.0", "linker": { "path": "%s/ld.lld" } }\n' \
	  "$$(dirname "$$(readlink -f "$$(command -v $(SWIFT))")")" > $(FUZZ_BUILD)/toolset.json
	$(SWIFT) build $(FUZZ_FLAGS) --product response-fuzzer
	$(SWIFT) build $(FUZZ_FLAGS) --product file-fuzzer
	$(FUZZ_ENV) $(FUZZ_BUILD)/release/response-fuzzer $(FUZZ_RUN) -dict=Tests/Fuzz/ews.dict $(FUZZ_BUILD)/corpus/responses \
	  Tests/Fuzz/Corpus/responses Tests/Fuzz/Corpus/xml $(SHARED)/ews/samples
	$(FUZZ_ENV) $(FUZZ_BUILD)/release/file-fuzzer $(FUZZ_RUN) $(FUZZ_BUILD)/corpus/files \
	  Tests/Fuzz/Corpus/config Tests/Fuzz/Corpus/rules Tests/Fuzz/Corpus/yaml rules

clean:
	rm -rf .build

# One formatter (.swift-format, 120 columns): run before committing.
format:
	$(SWIFT) format format --in-place --recursive --parallel Sources Tests Benchmarks Package.swift
