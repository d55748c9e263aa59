# One image for the gateway and the five example subgraph services: `fedgate serve` by
# default, configured by environment; docker-compose.yml and deploy/kubernetes pick the
# process per container. Build from the repository root: docker build -t fedgate:0.1.0 .
# Checked without a Docker engine by tests/deploy/test_image.py.

# -- build: a virtual environment with fedgate and its dependencies (wheels only) ----------
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY gateway ./gateway
COPY subgraphs ./subgraphs
RUN python -m venv /opt/fedgate \
    && /opt/fedgate/bin/pip install --only-binary=:all: --no-compile . \
    && /opt/fedgate/bin/python -m compileall -q /opt/fedgate/lib

# -- run: the slim base, the environment, the example supergraph, a user of its own --------
FROM python:3.11-slim

# bytecode was compiled in the build stage: nothing is written at run time, so the root
# filesystem can be read-only (Kubernetes: readOnlyRootFilesystem)
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/fedgate/bin:$PATH

RUN useradd --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
        --uid 10001 --user-group fedgate \
    && mkdir /data \
    && chown fedgate:fedgate /data

COPY --from=build /opt/fedgate /opt/fedgate
WORKDIR /app
COPY schema ./schema

USER 10001

# `fedgate serve` reads these when no flag says otherwise (a flag wins, then the variable,
# then router.yaml's supergraph.listen). Each service's SQLite file lives in /data
# (FEDGATE_<SERVICE>_DB=/data/<service>.sqlite3 in compose).
ENV FEDGATE_SUPERGRAPH=/app/schema/supergraph.graphql \
    FEDGATE_HOST=0.0.0.0 \
    FEDGATE_PORT=4000 \
    FEDGATE_DATA_DIR=/data \
    FEDGATE_HEALTHCHECK_URL=http://127.0.0.1:4000/health?ready
VOLUME ["/data"]
EXPOSE 4000 4001 4002 4003 4004 4005 8088

# Ready, not just alive (503 until started and while draining): GET $FEDGATE_HEALTHCHECK_URL.
# With health_check.listen in router.yaml set that variable to its address; the services'
# containers override the check with their own /health (docker-compose.yml).
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
    CMD ["python", "-m", "subgraphs.healthcheck"]

# Production defaults (introspection, GraphiQL, query plans off); arguments are appended:
# docker run fedgate:0.1.0 --dev, or --config /etc/fedgate/router.yaml (or FEDGATE_CONFIG).
# The services run with `--entrypoint python ... -m subgraphs.<name>` (compose: entrypoint).
ENTRYPOINT ["fedgate", "serve"]
