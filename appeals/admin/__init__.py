# Importing the modules registers their ModelAdmins.
from appeals.admin import cases, catalog, letters, orders, pricing  # noqa: F401
