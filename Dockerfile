# entraide's image: built from source in a Rust image, run from a small Debian one as an
# unprivileged user. The configuration goes in /etc/entraide (read-only), the data
# (the store, the Matrix session and keys) in the /data volume; secrets as files
# (`password_file`, `store_passphrase_file`, e.g. Docker secrets under /run/secrets) or
# environment variables (`password_env`, `store_passphrase_env`). Texts, charter and the
# charts' font are built into the binary.
#
#   docker build -t entraide .
#   docker run -v ./config.toml:/etc/entraide/config.toml:ro -v entraide-data:/data \
#       -e ENTRAIDE_PASSWORD=… entraide

FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p entraide \
    && cp target/release/entraide /usr/local/bin/entraide

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin entraide \
    && mkdir -p /data /etc/entraide \
    && chown entraide:entraide /data
COPY --from=build /usr/local/bin/entraide /usr/local/bin/entraide
USER entraide
WORKDIR /data
VOLUME ["/data"]
# The health and metrics listener, when `[http] listen = "0.0.0.0:9187"` is set.
EXPOSE 9187
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD ["entraide", "--config", "/etc/entraide/config.toml", "sante"]
ENTRYPOINT ["entraide", "--config", "/etc/entraide/config.toml"]
