#!/usr/bin/env bash
# Installs what MeetingBot needs to build and test on a fresh Debian/Ubuntu
# machine, skipping whatever is already there, so it is cheap to run each time.
#   - libcurl4-openssl-dev, libxml2-dev: the C libraries the code links against
#   - libsqlite3-dev: the SQLite that GRDB uses on Linux (the journal)
#   - libxml2-utils: xmllint, used by ../shared/ews/validate-request.sh
#   - .venv with exchangelib 5.6.0: the independent EWS client of the contract tests,
#     and pyspnego 0.12.4: the server-side NTLM acceptor of the transport tests,
#     and jsonschema 4.26.0: checks rules files against rules/meetingbot-rules.schema.json
#   - chromium: Debian's headless browser, which loads the HTML report in its test and
#     draws it for `make report-png` (about a minute to install, once). It comes with the
#     test tools: MEETINGBOT_SKIP_PYTHON=1 (no tests) leaves it out too, and
#     MEETINGBOT_WITH_CHROMIUM=0 or 1 says so either way.
# The Dockerfile's build stage runs this same script.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libcurl4-openssl-dev libxml2-dev libsqlite3-dev libxml2-utils pkg-config)
# Debian's python3 lacks venv until python3-venv is installed; other Pythons have it.
if [ "${MEETINGBOT_SKIP_PYTHON:-0}" != 1 ] && ! python3 -m venv --help >/dev/null 2>&1; then
  packages+=(python3-venv)
fi
with_chromium=${MEETINGBOT_WITH_CHROMIUM:-$([ "${MEETINGBOT_SKIP_PYTHON:-0}" = 1 ] && echo 0 || echo 1)}
if [ "$with_chromium" = 1 ]; then
  packages+=(chromium)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ "${MEETINGBOT_SKIP_PYTHON:-0}" != 1 ]; then
  if ! .venv/bin/python -c 'import exchangelib, spnego, jsonschema, sys; sys.exit(exchangelib.__version__ != "5.6.0")' 2>/dev/null; then
    python3 -m venv .venv
    .venv/bin/pip install --quiet --disable-pip-version-check 'exchangelib==5.6.0' 'pyspnego==0.12.4' 'jsonschema==4.26.0'
  fi
fi
