from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"

    def ready(self):
        from accounts import (  # noqa: F401  (registers the OpenAPI auth extension and
            lockout,  # the sign-in receiver)
            schema,
        )
