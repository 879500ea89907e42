# Rust Edge Gateway. Not built or run on the development machines (no Docker engine there):
# see README "Docker" for what was and was not verified.
#
#   docker build -t rust-edge-gateway .
#   docker compose up -d          (compose.yaml: host networking, state in a volume)

FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin rust-edge-gateway

# The runtime image keeps the Rust toolchain: the gateway compiles handlers itself, against
# the SDK sources copied next to it (handler crates depend on them by path).
FROM rust:1.95-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/release/rust-edge-gateway /usr/local/bin/rust-edge-gateway
COPY --from=build /src /opt/rust-edge-gateway/src
RUN rm -rf /opt/rust-edge-gateway/src/target
ENV REG_SDK_PATH=/opt/rust-edge-gateway/src/sdk \
    REG_DATA_DIR=/var/lib/rust-edge-gateway \
    REG_GATEWAY_ADDR=0.0.0.0:9080 \
    REG_ADMIN_ADDR=127.0.0.1:9081
VOLUME /var/lib/rust-edge-gateway
EXPOSE 9080 9081
CMD ["rust-edge-gateway"]
