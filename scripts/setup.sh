#!/usr/bin/env bash
# Installs what MeetingBot needs to build and test on a fresh Debian/Ubuntu
# machine, skipping whatever is already there, so it is cheap to run each time.
#   - libcurl4-openssl-dev, libxml2-dev: the C libraries the code links against
#   - libsqlite3-dev: the SQLite that GRDB uses on Linux (the journal)
#   - libxml2-utils: xmllint, used by ../shared/ews/validate-request.sh
#   - .venv with exchangelib 5.6.0: the independent EWS client of the contract tests,
#     and pyspnego 0.12.4: the server-side NTLM acceptor of the transport tests,
#     and jsonschema 4.26.0: checks rules files against rules/meetingbot-rules.schema.json,
#     prometheus-client 0.26.0: its parser checks the metrics file,
#     kubernetes-validate 1.37.0: checks deploy/*.yaml against the Kubernetes schemas it bundles
#   - systemd, cron, binutils: the deployment tests check deploy/meetingbot.service and .timer with
#     systemd-analyze verify, deploy/crontab with crontab -n, and the Dockerfile's runtime packages
#     against the libraries the binary links (readelf)
#   - node_exporter's binary from Debian's prometheus-node-exporter, in .build/tools: its textfile
#     collector, the metrics file's reader, checks that file (the package is not installed, which
#     would start a node_exporter service)
#   - chromium: Debian's headless browser, which loads the HTML report in its test and
#     draws it for `make report-png` (about a minute to install, once). It comes with the
#     test tools; MEETINGBOT_WITH_CHROMIUM=0 or 1 says so either way.
# The Dockerfile's build stage runs this same script with MEETINGBOT_SKIP_PYTHON=1:
# only what the build needs, none of the test tools (Python, systemd, cron, node_exporter, chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libcurl4-openssl-dev libxml2-dev libsqlite3-dev libxml2-utils pkg-config)
if [ "${MEETINGBOT_SKIP_PYTHON:-0}" != 1 ]; then
  packages+=(systemd cron binutils)
  # Debian's python3 lacks venv until python3-venv is installed; other Pythons have it.
  python3 -m venv --help >/dev/null 2>&1 || packages+=(python3-venv)
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
  if ! .venv/bin/python -c 'import exchangelib, spnego, jsonschema, prometheus_client, kubernetes_validate, sys; sys.exit(exchangelib.__version__ != "5.6.0")' 2>/dev/null; then
    python3 -m venv .venv
    .venv/bin/pip install --quiet --disable-pip-version-check 'exchangelib==5.6.0' 'pyspnego==0.12.4' 'jsonschema==4.26.0' \
      'prometheus-client==0.26.0' 'kubernetes-validate==1.37.0'
  fi
fi

if [ "${MEETINGBOT_SKIP_PYTHON:-0}" != 1 ] && [ ! -x .build/tools/prometheus-node-exporter ]; then
  tmp=$(mktemp -d)
  # apt-get download needs the package lists, which a fresh container lacks.
  (cd "$tmp" && apt-get download -qq prometheus-node-exporter 2>/dev/null) || {
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    (cd "$tmp" && apt-get download -qq prometheus-node-exporter)
  }
  dpkg-deb -x "$tmp"/prometheus-node-exporter_*.deb "$tmp/root"
  install -D -m 755 "$tmp/root/usr/bin/prometheus-node-exporter" .build/tools/prometheus-node-exporter
  rm -rf "$tmp"
fi
