from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """django.contrib.admin with the staff site of denialhelp/admin_site.py as admin.site."""

    default_site = "denialhelp.admin_site.StaffAdminSite"
