# A first version; production hardening (TLS proxy) follows. The same image runs
# the scheduler: `kinetic scheduler` (see docker-compose.yml).
FROM node:20-slim AS assets
WORKDIR /assets
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 KINETIC_INSTANCE_PATH=/app/instance
WORKDIR /app
COPY pyproject.toml README.md ./
COPY backend backend
COPY programs programs
COPY frontend frontend
COPY --from=assets /assets/node_modules frontend/node_modules
RUN pip install --no-cache-dir . && useradd --create-home kinetic \
  && mkdir -p /app/instance && chown kinetic /app/instance
USER kinetic
EXPOSE 8000
CMD ["sh", "-c", "kinetic db upgrade && kinetic programs load && exec gunicorn --workers ${WEB_CONCURRENCY:-2} --bind 0.0.0.0:8000 'kinetic:create_app()'"]
