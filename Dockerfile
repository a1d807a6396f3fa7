# syntax=docker/dockerfile:1
# 科创一网通 — the platform as one container: pages, API and the outbox worker on the embedded
# defaults (SQLite + built-in search under /app/var). For the scale path set KC_DATABASE_URL,
# KC_SEARCH_BACKEND=elasticsearch and KC_ELASTICSEARCH_URL; always set KC_SECRET_KEY.
#
#   docker build -t kechuang .
#   docker run -p 8000:8000 -e KC_SECRET_KEY=... -v kechuang-var:/app/var kechuang

# --- builder: build the wheel and install it with its dependencies into /opt/venv -------------
FROM python:3.11-slim AS builder
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
# The Chinese TrueType font PDFs embed (app/core/pdf.py); the runtime stage copies the file.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src

# Dependencies first, in a layer of their own, so a code change does not reinstall them: the
# pinned versions serving needs (scripts/lock-requirements.sh writes them), hashes checked.
COPY requirements/serve.txt ./requirements.txt
RUN /opt/venv/bin/pip install --require-hashes --no-deps -r requirements.txt

COPY pyproject.toml README.md ./
COPY app ./app
COPY search ./search
# Built with the pinned setuptools just installed, not one fetched for a build environment.
RUN /opt/venv/bin/pip wheel --no-deps --no-build-isolation --wheel-dir /wheels . \
    && /opt/venv/bin/pip install --no-deps /wheels/*.whl

# Templates, static files and migrations live beside the packages, not inside them: put them
# where the installed app looks for its project root (asked from outside /src, so the
# installed copy answers, not the source tree).
COPY alembic.ini ./
COPY migrations ./migrations
COPY frontend ./frontend
RUN root="$(cd / && /opt/venv/bin/python -I -c 'from app.core.config import PROJECT_ROOT; print(PROJECT_ROOT)')" \
    && cp -r alembic.ini migrations frontend "$root"/ \
    && /opt/venv/bin/python -m compileall -q /opt/venv/lib

# --- runtime: the venv, a non-root user, nothing fetched at run time ---------------------------
FROM python:3.11-slim AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    KC_VAR_DIR=/app/var
RUN groupadd --system --gid 10001 kechuang \
    && useradd --system --uid 10001 --gid kechuang --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin kechuang \
    && mkdir -p /app/var \
    && chown kechuang:kechuang /app/var
COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /usr/share/fonts/truetype/wqy /usr/share/fonts/truetype/wqy
COPY --chmod=0755 scripts/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
WORKDIR /app
USER kechuang
VOLUME ["/app/var"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/v1/health', timeout=4)"]
# The entry script runs the migrations, then the command (KC_MIGRATE_ON_START=0 skips them,
# e.g. for extra `kechuang worker` containers).
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["kechuang", "serve", "--host", "0.0.0.0"]
