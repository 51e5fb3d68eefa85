# Importing the modules registers their ModelAdmins.
from appeals.admin import catalog, letters, orders, pricing  # noqa: F401
