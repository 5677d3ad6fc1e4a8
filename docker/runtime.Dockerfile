# kconnect-runtime: the data plane (connector tasks), one image for standalone and managed mode.
#
#   podman build -f docker/runtime.Dockerfile -t kconnect-runtime .      (or docker build)
#   podman run --rm kconnect-runtime --version
#
# Debian trixie by default (librdkafka 2.8: SCRAM against Kafka 4.x needs >= 2.6.1);
# --build-arg DEBIAN_RELEASE=bookworm builds on Debian 12 (librdkafka 2.0.2), as CI does.
# The runtime stage installs exactly the Debian packages that own the binary's shared libraries
# (found with ldd + dpkg -S in the build stage), so it follows the release without a package list.
# Non-root (UID 65532), no shell needed at run time; the operator's pods run it with a read-only
# root file system and /tmp as an emptyDir.
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
 && cmake --build /build --target kconnect-runtime \
 && strip /build/bin/kconnect-runtime \
 && docker/runtime-packages.sh /build/bin/kconnect-runtime > /build/packages

FROM docker.io/library/debian:${DEBIAN_RELEASE}-slim
COPY --from=build /build/packages /tmp/packages
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates $(cat /tmp/packages) \
 && rm -rf /var/lib/apt/lists/* /tmp/packages
COPY --from=build /build/bin/kconnect-runtime /usr/local/bin/kconnect-runtime
USER 65532:65532
WORKDIR /tmp
EXPOSE 8083
ENTRYPOINT ["kconnect-runtime"]
CMD ["--help"]
