"""drf-spectacular: document StaffJWTAuthentication as bearer JWT auth.

drf-spectacular's simplejwt extension matches JWTAuthentication itself, not
subclasses; this one is loaded by AccountsConfig.ready().
"""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class StaffJWTScheme(SimpleJWTScheme):
    target_class = "accounts.authentication.StaffJWTAuthentication"
    name = "bearerAuth"
