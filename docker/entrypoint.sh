#!/bin/sh
# Container start: bring the schema up to date, make sure the staff login from
# ADMIN_USERNAME/ADMIN_EMAIL/ADMIN_PASSWORD exists (when a password is configured),
# then serve with gunicorn on $PORT with $WEB_CONCURRENCY workers.
set -eu

python manage.py migrate --noinput
if [ -n "${ADMIN_PASSWORD:-}" ]; then
    python manage.py seed_admin
fi

exec gunicorn beautique.wsgi:application \
    --bind "0.0.0.0:${PORT:-7860}" \
    --workers "${WEB_CONCURRENCY:-2}" \
    --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-*}" \
    --access-logfile - \
    --log-level "$(echo "${LOG_LEVEL:-info}" | tr '[:upper:]' '[:lower:]')"
