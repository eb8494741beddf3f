# Sidebet's container image: `docker build -t sidebet .`, then see docs/deploy.md.
# Configuration comes from the environment (SIDEBET_*), secrets included; nothing secret
# is baked into the image.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# A fixed, unprivileged user; its home holds the SQLite file when no PostgreSQL URL is given.
RUN groupadd --system --gid 10001 sidebet \
 && useradd --system --uid 10001 --gid sidebet --home-dir /var/lib/sidebet --create-home sidebet

WORKDIR /src
COPY pyproject.toml README.md ./
COPY engine ./engine
COPY storage ./storage
COPY commands ./commands
COPY adapters ./adapters
COPY bot ./bot
RUN pip install . && rm -rf /src

USER sidebet
WORKDIR /var/lib/sidebet

# Logs as JSON lines on stderr; /metrics and /healthz on 9100 (publish it only to your
# monitoring network); Slack's HTTP mode listens on 3000.
ENV SIDEBET_LOG_FILE=- \
    SIDEBET_LOG_FORMAT=json \
    SIDEBET_OPS__HOST=0.0.0.0 \
    SIDEBET_OPS__PORT=9100 \
    SIDEBET_DATABASE_URL=sqlite+aiosqlite:////var/lib/sidebet/sidebet.db
EXPOSE 3000 9100
VOLUME ["/var/lib/sidebet"]

# 200 when the database answers, the scheduler ticks and the chat adapters are connected.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:9100/healthz', timeout=4)"]

# SIGTERM (docker stop) shuts down cleanly: adapters, scheduler, ESPN and the database close.
STOPSIGNAL SIGTERM
CMD ["sidebet", "run"]
