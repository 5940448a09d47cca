# qkv: headless server image. Build: docker build -t qkv .   Run: docker compose up
FROM debian:12 AS build
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       cmake ninja-build g++ pkg-config qt6-base-dev libedit-dev libjemalloc-dev \
       liblua5.1-0-dev lua-cjson-dev lua-bitop-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# CI builds this very image and runs it on every push (scripts/docker-check.sh, with podman).
RUN QKV_PREFIX=/opt/qkv QKV_DOCKER_BUILD_DIR=/tmp/build scripts/docker-build.sh

FROM debian:12-slim
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       libqt6core6 libqt6network6 libedit2 libjemalloc2 liblua5.1-0 lua-cjson lua-bitop \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /data qkv \
    && mkdir -p /data/logs && chown -R qkv:qkv /data
COPY --from=build /opt/qkv /opt/qkv
ENV PATH=/opt/qkv/bin:$PATH
USER qkv
# /data is the volume: the append-only files (appendonlydir/, appendfsync everysec: a crash or a
# SIGKILL loses at most about a second of writes, loaded first at start-up), the RDB snapshot
# (dump.rdb, Redis's default rules, saved on SIGTERM as `docker stop` sends it) and logs/
# survive the container.
WORKDIR /data
VOLUME ["/data"]
EXPOSE 6379
# Healthy when it answers at all: with a password set (QKV_PASSWORD), PING's -NOAUTH is an
# answer too. qkv-cli exits 1 on an error reply and 2 only when it cannot connect.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD qkv-cli -p 6379 PING >/dev/null 2>&1; [ $? -ne 2 ]
CMD ["qkv-server", "--headless", "--bind", "0.0.0.0", "--port", "6379", "--appendonly", "yes", "--log-file", "/data/logs/server.log"]
