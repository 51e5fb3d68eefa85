# Importing the modules registers their ModelAdmins.
from appeals.admin import catalog, letters, pricing  # noqa: F401
