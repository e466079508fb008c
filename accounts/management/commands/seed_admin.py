import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from accounts.services import seed_staff_user

STORE_STAFF_GROUP = "Store staff"


class Command(BaseCommand):
    help = (
        "Create or update the store's superuser (or, with --staff, a staff member) from "
        "ADMIN_USERNAME (default admin), ADMIN_EMAIL and ADMIN_PASSWORD or the matching "
        "options. Safe to run on every deploy: nothing changes when nothing differs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", help="Default: $ADMIN_USERNAME or admin.")
        parser.add_argument("--email", help="Default: $ADMIN_EMAIL (kept when empty).")
        parser.add_argument(
            "--password",
            help="Default: $ADMIN_PASSWORD. Prefer the variable: options show up in `ps`.",
        )
        parser.add_argument(
            "--staff",
            action="store_true",
            help="Create or update a staff member who is not a superuser.",
        )

    def handle(self, *args, username, email, password, staff, **options):
        username = (username or os.environ.get("ADMIN_USERNAME") or "admin").strip()
        email = (email or os.environ.get("ADMIN_EMAIL") or "").strip()
        password = password or os.environ.get("ADMIN_PASSWORD") or ""
        if not username:
            raise CommandError("The username may not be empty.")
        try:
            get_user_model().username_validator(username)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if not password:
            raise CommandError("No password: set ADMIN_PASSWORD or pass --password.")
        if email:
            try:
                validate_email(email)
            except ValidationError as exc:
                raise CommandError(f"Invalid email {email!r}.") from exc
        if not settings.DEBUG:
            try:
                validate_password(password, get_user_model()(username=username, email=email))
            except ValidationError as exc:
                raise CommandError(
                    "Password rejected (checks apply when DEBUG is off): " + " ".join(exc.messages)
                ) from exc

        try:
            user, outcome = seed_staff_user(
                username=username, email=email, password=password, superuser=not staff
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if staff and not user.groups.filter(name=STORE_STAFF_GROUP).exists():
            # The admin permissions staff need (accounts/migrations/0002_store_staff_group.py).
            user.groups.add(Group.objects.get(name=STORE_STAFF_GROUP))
            if outcome == "unchanged":
                outcome = "updated"

        kind = "staff member" if staff else "superuser"
        if outcome == "unchanged":
            self.stdout.write(f'{kind.capitalize()} "{user.username}" is already up to date.')
        else:
            self.stdout.write(
                self.style.SUCCESS(f'{outcome.capitalize()} {kind} "{user.username}".')
            )
