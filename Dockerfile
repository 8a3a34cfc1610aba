# Two stages: build with the full Rust toolchain, run from a small image as a non-root user.
# SQLite and libpq are built from source (bundled), so the runtime needs no database libraries.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked && strip target/release/honoraria

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home-dir /var/lib/honoraria --create-home honoraria
COPY --from=build /src/target/release/honoraria /usr/local/bin/honoraria
COPY --from=build /src/config /etc/honoraria/config
USER honoraria
WORKDIR /var/lib/honoraria
ENV HONORARIA_BIND=0.0.0.0:8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD curl -fsS http://127.0.0.1:8080/ready || exit 1
ENTRYPOINT ["honoraria", "--config", "/etc/honoraria/config/default.toml"]
CMD ["serve"]
