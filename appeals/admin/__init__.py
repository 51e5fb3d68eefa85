from appeals.admin import catalog  # noqa: F401  (registers the ModelAdmins)
