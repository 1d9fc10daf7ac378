# syntax=docker/dockerfile:1
# images/backend.Dockerfile: the fcgi-backend image. Build from the repository root:
#   podman build -f images/backend.Dockerfile -t fcgi-users/backend:TAG .     (or: make images)
# Stage 1 builds with the project's own `make install` on Debian 12; stage 2 is
# debian:12-slim with only the runtime libraries the binary links (make images-check
# compares RUNTIME_LIBS with `ldd build/fcgi-backend`). The pool master is PID 1 and
# runs as the numeric non-root user 10001; nothing is written outside /tmp, so the
# root filesystem can be read-only. STOPSIGNAL SIGQUIT is the pool's graceful stop:
# `docker stop` and Kubernetes' termination let in-flight requests finish.
# The migration Job runs the same image with the argument "migrate".

# BUILD_IMAGE and BASE_IMAGE: make images builds FROM a local debootstrap base tagged
# debian:12 and debian:12-slim (no registry here); with a registry, pin the real ones
# by digest: make images BASE_IMAGE=debian:12-slim@sha256:...
ARG DEBIAN_RELEASE=12
ARG BUILD_IMAGE=debian:${DEBIAN_RELEASE}
ARG BASE_IMAGE=debian:${DEBIAN_RELEASE}-slim

FROM ${BUILD_IMAGE} AS build
# The build dependencies of mk/10-c.mk (scripts/deps/10-c.apt's build part).
ARG BUILD_PACKAGES="build-essential pkg-config libfcgi-dev libcjson-dev check \
    libcurl4-openssl-dev libssl-dev libmariadb-dev libmariadb-dev-compat libicu-dev libargon2-dev libsystemd-dev"
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${BUILD_PACKAGES} \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN make -j"$(nproc)" install DESTDIR=/out PREFIX=/usr/local

FROM ${BASE_IMAGE}
# RUNTIME_LIBS: the Debian packages of the shared libraries fcgi-backend links (beyond
# the base image's own). RUNTIME_TOOLS: cgi-fcgi for the probes, CA certificates.
ARG RUNTIME_LIBS="libfcgi0ldbl libcjson1 libmariadb3 libargon2-1 libssl3 libicu72"
ARG RUNTIME_TOOLS="libfcgi-bin ca-certificates"
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${RUNTIME_LIBS} ${RUNTIME_TOOLS} \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/usr/local/bin/fcgi-backend /usr/local/bin/fcgi-backend
COPY --from=build /out/usr/local/share/fcgi-users/sql /usr/local/share/fcgi-users/sql
COPY images/fcgi-probe /usr/local/bin/fcgi-probe

ENV LISTEN=0.0.0.0:9000 \
    LOG_FORMAT=json
USER 10001:10001
EXPOSE 9000
STOPSIGNAL SIGQUIT
ENTRYPOINT ["/usr/local/bin/fcgi-backend"]
