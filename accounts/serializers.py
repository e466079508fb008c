"""Request and response shapes of the staff authentication API."""

from rest_framework import serializers

from accounts.models import User
from beautique.fields import EmailOrBlankField, StringField


class AdminSerializer(serializers.ModelSerializer):
    """The signed-in staff member, as the storefront's staff pages show them."""

    role = serializers.ChoiceField(
        choices=["admin", "staff"], read_only=True, help_text="`admin` for superusers."
    )
    created_at = serializers.DateTimeField(source="date_joined", read_only=True)
    email = EmailOrBlankField(read_only=True, help_text="Empty when none is on record.")

    class Meta:
        model = User
        fields = ["id", "username", "email", "role", "is_active", "created_at", "last_login"]
        read_only_fields = fields


class LoginSerializer(serializers.Serializer):
    username = StringField(max_length=150)
    password = StringField(
        max_length=4096, trim_whitespace=False, write_only=True, style={"input_type": "password"}
    )


class RefreshTokenSerializer(serializers.Serializer):
    refresh_token = StringField()


class TokenPairSerializer(serializers.Serializer):
    access_token = serializers.CharField(help_text="Send as `Authorization: Bearer <token>`.")
    refresh_token = serializers.CharField(
        help_text="Trade for a new pair at /api/admin/token/refresh (single use)."
    )
    token_type = serializers.ChoiceField(choices=["bearer"])
    expires_in = serializers.IntegerField(help_text="Access token lifetime in seconds.")


class LoginResponseSerializer(TokenPairSerializer):
    admin = AdminSerializer()
