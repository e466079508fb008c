#!/usr/bin/env python
import os
import secrets
import sys

# Commands that only read or change the database schema sign nothing, so they run
# without SECRET_KEY (a throwaway one): `makemigrations --check` works on a fresh clone
# with DEBUG off. Everything else, and every server, still refuses to start without it.
SCHEMA_COMMANDS = {"makemigrations", "migrate", "showmigrations", "sqlmigrate"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beautique.settings")
    if len(sys.argv) > 1 and sys.argv[1] in SCHEMA_COMMANDS:
        os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
