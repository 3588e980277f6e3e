# Build stage: the same set-up script as a developer machine and CI.
# The same toolchain line as the developers' and CI's machines (Swift 6.3).
FROM swift:6.3-bookworm AS build
WORKDIR /src
COPY . .
RUN MEETINGBOT_SKIP_PYTHON=1 bash scripts/setup.sh \
 && swift build -c release --product meetingbot --static-swift-stdlib \
 && install -D "$(swift build -c release --show-bin-path)/meetingbot" /out/meetingbot

# Runtime: only libcurl, libxml2, SQLite, CA certificates and the binary; not root.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libcurl4 libxml2 libsqlite3-0 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/meetingbot --create-home meetingbot
COPY --from=build /out/meetingbot /usr/local/bin/meetingbot
USER meetingbot
ENTRYPOINT ["/usr/local/bin/meetingbot"]
