"""Production configuration, checked in a fresh process as a deployment would start."""

import os
import secrets
import subprocess
import sys

from django.conf import settings

MANAGE = [sys.executable, str(settings.BASE_DIR / "manage.py")]
# A deployment's process starts with only its own configuration: none of the variables
# the test run sets (pytest.ini's, or DJANGO_ALLOW_ASYNC_UNSAFE for the browser tests).
BASE_ENV = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*MANAGE, *args],
        env={**BASE_ENV, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deployment_checks_pass_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="example.com",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_deployment_checks_catch_an_insecure_override():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="example.com",
        SECURE_SSL_REDIRECT="0",
    )

    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout


def test_secret_key_is_required_when_debug_is_off():
    result = run_manage("check", DEBUG="0")

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_schema_commands_run_without_a_secret_key():
    """They sign nothing: a fresh clone checks its migrations with DEBUG off."""
    result = run_manage("makemigrations", "--check", "--dry-run", DEBUG="0")

    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_debug_runs_without_a_secret_key():
    result = run_manage("check", DEBUG="1")

    assert result.returncode == 0, result.stderr


def test_the_file_cache_lives_in_memory_where_the_machine_has_it():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.CACHES['shared']['LOCATION'])",
        ],
        env={**BASE_ENV, "DJANGO_SETTINGS_MODULE": "beautique.settings", "DEBUG": "1"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    location = result.stdout.strip()
    if os.access("/dev/shm", os.W_OK):
        assert location.startswith(f"/dev/shm/beautique-cache-{os.getuid()}-")
        assert os.stat(location).st_mode & 0o777 == 0o700
    else:
        assert location == str(settings.BASE_DIR / ".cache")
