# kconnect-operator: reconciles KafkaConnectCluster and KafkaConnector resources (and serves the
# rack-init command of worker pods' init container).
#
#   podman build -f docker/operator.Dockerfile -t kconnect-operator .      (or docker build)
#   podman run --rm kconnect-operator --help
#
# Same layout as runtime.Dockerfile: Debian trixie by default (--build-arg
# DEBIAN_RELEASE=bookworm for Debian 12), the runtime stage installs the packages that own the
# binary's shared libraries, non-root (UID 65532).
ARG DEBIAN_RELEASE=trixie

FROM docker.io/library/debian:${DEBIAN_RELEASE}-slim AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config \
      librdkafka-dev libssl-dev libboost-dev nlohmann-json3-dev libyaml-cpp-dev libsimdjson-dev \
      libpcre2-dev \
      libfmt-dev libexpected-dev libcli11-dev prometheus-cpp-dev \
      libavro-dev libprotobuf-dev libprotoc-dev \
      libpq-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DKC_BUILD_TESTS=OFF \
      -DKC_BUILD_BENCH=OFF \
 && cmake --build /build --target kconnect_operator \
 && strip /build/bin/kconnect-operator \
 && docker/runtime-packages.sh /build/bin/kconnect-operator > /build/packages

FROM docker.io/library/debian:${DEBIAN_RELEASE}-slim
COPY --from=build /build/packages /tmp/packages
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates $(cat /tmp/packages) \
 && rm -rf /var/lib/apt/lists/* /tmp/packages
COPY --from=build /build/bin/kconnect-operator /usr/local/bin/kconnect-operator
USER 65532:65532
WORKDIR /tmp
EXPOSE 8080 8081
ENTRYPOINT ["kconnect-operator"]
