from django.contrib.admin.apps import AdminConfig


class StoreAdminConfig(AdminConfig):
    """The Django admin, with the Beautique Store site (dashboard index) as `admin.site`."""

    default_site = "analytics.admin_site.StoreAdminSite"
