#!/bin/sh
# Container start: bring the schema up to date, make sure the staff login from
# ADMIN_USERNAME/ADMIN_EMAIL/ADMIN_PASSWORD exists (when a password is configured),
# then serve (docker/serve.sh).
set -eu

python manage.py migrate --noinput
if [ -n "${ADMIN_PASSWORD:-}" ]; then
    python manage.py seed_admin
fi

exec sh docker/serve.sh
