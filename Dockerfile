# Rust Edge Gateway. Built and run by scripts/container-check.sh (podman + runc, host
# networking) in the project's test command; see README "Docker" for what that verifies.
#
#   docker build -t rust-edge-gateway .       (podman: add --format docker to keep HEALTHCHECK)
#   docker compose up -d                       (compose.yaml: host networking, state in a volume)

# --- build: dependencies in their own layers (cargo-chef), so a code change rebuilds only the
# project's crates.
FROM rust:1.95-bookworm AS chef
RUN cargo install cargo-chef --locked --version 0.1.77
WORKDIR /src

FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

FROM chef AS build
COPY --from=planner /src/recipe.json recipe.json
RUN cargo chef cook --release --locked --recipe-path recipe.json --bin rust-edge-gateway
COPY . .
RUN cargo build --release --locked --bin rust-edge-gateway \
    && strip target/release/rust-edge-gateway
# What handlers build against: the SDK sources (handler crates depend on them by path) and
# the crates they need, fetched here so a first handler compiles offline.
# The SDK crates inherit from the workspace manifest: a copy of it with only them as members.
RUN mkdir -p /out/sdk /out/cargo \
    && cp -r sdk sdk-macros Cargo.lock /out/sdk/ \
    && sed -e 's/^members = .*/members = ["sdk", "sdk-macros"]/' -e '/^exclude = /d' \
       Cargo.toml > /out/sdk/Cargo.toml \
    && CARGO_HOME=/out/cargo cargo fetch --manifest-path /out/sdk/Cargo.toml \
    && rm -rf /out/cargo/registry/src

# --- runtime: the binary, the SDK sources and the toolchain (the gateway compiles handlers
# itself); no build tree, no target dir.
FROM rust:1.95-slim-bookworm
RUN groupadd --system --gid 10001 gateway \
    && useradd --system --uid 10001 --gid gateway --home-dir /var/lib/rust-edge-gateway \
       --shell /usr/sbin/nologin gateway \
    && install -d -o gateway -g gateway -m 0700 /var/lib/rust-edge-gateway \
    && install -d -o gateway -g gateway -m 0755 /home/gateway/.cargo
COPY --from=build /src/target/release/rust-edge-gateway /usr/local/bin/rust-edge-gateway
COPY --from=build /out/sdk /opt/rust-edge-gateway/src
COPY --from=build --chown=gateway:gateway /out/cargo/registry /home/gateway/.cargo/registry
ENV REG_SDK_PATH=/opt/rust-edge-gateway/src/sdk \
    REG_DATA_DIR=/var/lib/rust-edge-gateway \
    REG_GATEWAY_ADDR=0.0.0.0:9080 \
    REG_ADMIN_ADDR=127.0.0.1:9081 \
    CARGO_HOME=/home/gateway/.cargo \
    CARGO_NET_OFFLINE=true
USER gateway
WORKDIR /var/lib/rust-edge-gateway
VOLUME /var/lib/rust-edge-gateway
EXPOSE 9080 9081
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=6s --start-period=20s --retries=3 \
    CMD ["rust-edge-gateway", "health"]
CMD ["rust-edge-gateway"]
