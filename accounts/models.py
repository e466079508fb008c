import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A store staff member (customers have no accounts)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    @property
    def role(self) -> str:
        return "admin" if self.is_superuser else "staff"
