# Kinetic Chain: one image for web (gunicorn) and scheduler (`kinetic scheduler`).
# Stage 1 fetches the PWA's npm libraries; stage 2 builds a wheel; the last stage
# is a slim runtime that runs as a non-root user.
FROM node:20-slim AS assets
WORKDIR /assets
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY backend backend
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    KINETIC_INSTANCE_PATH=/app/instance PROGRAMS_DIR=/app/programs
# pg_dump for `kinetic backup`; DejaVu for names beyond Latin-1 in report PDFs.
RUN apt-get update \
  && apt-get install -y --no-install-recommends postgresql-client fonts-dejavu-core \
  && rm -rf /var/lib/apt/lists/*
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
WORKDIR /app
COPY programs programs
COPY frontend frontend
COPY --from=assets /assets/node_modules frontend/node_modules
ENV KINETIC_FRONTEND_DIR=/app/frontend
RUN useradd --create-home --uid 10001 kinetic \
  && mkdir -p /app/instance && chown kinetic /app/instance
USER kinetic
EXPOSE 8000
# Migrate and load the programs, then hand the process over to gunicorn. The app
# refuses a body over MAX_CONTENT_LENGTH and a URL over MAX_URL_LENGTH in JSON;
# gunicorn cuts a request line past 8190 bytes (its maximum) itself, as its
# parser slows quadratically on longer ones.
CMD ["sh", "-c", "kinetic db upgrade && kinetic programs load && exec gunicorn --workers ${WEB_CONCURRENCY:-2} --bind 0.0.0.0:8000 --forwarded-allow-ips='*' --limit-request-line 8190 'kinetic:create_app()'"]
