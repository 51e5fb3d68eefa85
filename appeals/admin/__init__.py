# Importing the modules registers their ModelAdmins.
from appeals.admin import catalog, pricing  # noqa: F401
