# One image for the gateway and the five example subgraph services; docker-compose.yml
# picks the process per container. Build from the repository root: docker build -t fedgate .
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first (cached while only the code changes), then the code.
COPY pyproject.toml README.md ./
COPY gateway ./gateway
COPY subgraphs ./subgraphs
COPY schema ./schema
RUN pip install . \
    && useradd --create-home --uid 10001 fedgate \
    && mkdir /data \
    && chown fedgate /data

USER fedgate

# Containers listen on every interface of their own network namespace; each service's
# SQLite file lives in /data (FEDGATE_<SERVICE>_DB=/data/<service>.sqlite3 in compose).
ENV FEDGATE_HOST=0.0.0.0 \
    FEDGATE_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 4000 4001 4002 4003 4004 4005

# Default: the gateway. The services run `python -m subgraphs.<name>` instead.
CMD ["fedgate", "serve", "--supergraph", "/app/schema/supergraph.graphql", "--host", "0.0.0.0", "--port", "4000"]
