#!/bin/sh
# The production HTTP server, on $PORT with $WEB_CONCURRENCY worker processes of
# $WEB_THREADS threads each: what the Docker image runs after docker/entrypoint.sh's
# setup, and what `make bench` measures. Granian (Rust) keeps connections alive and
# hands complete requests to Django (beautique/serving.py), which also writes the access
# log (AccessLog: Granian's cost half the floor; ACCESS_LOG=0 turns it off).
set -eu

exec granian beautique.serving:application \
    --interface asginl \
    --host "${HOST:-0.0.0.0}" \
    --port "${PORT:-7860}" \
    --workers "${WEB_CONCURRENCY:-2}" \
    --no-ws \
    --respawn-failed-workers \
    --no-access-log \
    --log-level "$(echo "${LOG_LEVEL:-info}" | tr '[:upper:]' '[:lower:]')"
