from django.contrib.admin.apps import AdminConfig


class RegistryAdminConfig(AdminConfig):
    """Django's admin, with the analysts' desk as its home page (``registry.admin.RegistryAdminSite``)."""

    default_site = "registry.admin.RegistryAdminSite"
