# The two commands a newcomer needs: `make demo` and `make test`.
# Both run scripts/setup.sh first, which installs what is missing (apt and pip).
SWIFT ?= swift
SHARED ?= $(abspath ../shared)
export MEETINGBOT_SHARED := $(SHARED)

.PHONY: setup build test demo benchmark clean

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

demo: setup
	$(SWIFT) run meetingbot demo

clean:
	rm -rf .build
