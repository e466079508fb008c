# Production image for the Beautique Store backend: Granian behind the platform's
# proxy, static files served by WhiteNoise, migrations applied at start.
# Hugging Face Spaces routes to port 7860 and runs the container as uid 1000.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=7860 \
    WEB_CONCURRENCY=2

RUN useradd --create-home --uid 1000 app
WORKDIR /app

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
# collectstatic only needs some SECRET_KEY to import the settings: this throwaway value
# exists for this one command and is not part of the image's environment.
RUN SECRET_KEY=build-only-collectstatic DEBUG=0 python manage.py collectstatic --noinput \
    && mkdir -p /app/media /app/.cache \
    && chown app:app /app/media /app/.cache

USER app
EXPOSE 7860

# Sends the first configured host name, so ALLOWED_HOSTS accepts the probe.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; h = os.environ.get('ALLOWED_HOSTS', '').split(',')[0].strip().lstrip('.'); h = 'localhost' if h in ('', '*') else h; r.urlopen(r.Request('http://127.0.0.1:%s/health' % os.environ.get('PORT', '7860'), headers={'Host': h}), timeout=8)"]

CMD ["sh", "docker/entrypoint.sh"]
