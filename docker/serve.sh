#!/bin/sh
# The production HTTP server, on $PORT with $WEB_CONCURRENCY workers: what the Docker
# image runs after docker/entrypoint.sh's setup, and what `make bench` measures.
set -eu

exec gunicorn beautique.wsgi:application \
    --bind "${HOST:-0.0.0.0}:${PORT:-7860}" \
    --workers "${WEB_CONCURRENCY:-2}" \
    --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-*}" \
    --access-logfile - \
    --log-level "$(echo "${LOG_LEVEL:-info}" | tr '[:upper:]' '[:lower:]')"
