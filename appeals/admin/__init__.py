# Importing the modules registers their ModelAdmins.
from appeals.admin import cases, catalog, letters, orders, practices, pricing, tracking  # noqa: F401
