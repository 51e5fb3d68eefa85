"""Rows kept as field values and inserted again with one ``bulk_create`` per
model: how the test database gets back, in milliseconds, what took seconds
to build once (the demo catalog, the rows migrations seed)."""

from __future__ import annotations

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction


def _all_models() -> list[type[models.Model]]:
    # Auto-created models too: the tables behind many-to-many fields.
    return [model for model in apps.get_models(include_auto_created=True) if model._meta.managed and not model._meta.proxy]


def _pks(model: type[models.Model]) -> set:
    return set(model._base_manager.values_list("pk", flat=True))


class Rows:
    """Some rows of some tables, by model."""

    def __init__(self, values: dict[type[models.Model], list[dict]]):
        self.values = {model: rows for model, rows in values.items() if rows}

    @classmethod
    def _of(cls, model: type[models.Model], pks) -> list[dict]:
        fields = [field.attname for field in model._meta.concrete_fields]
        return [{name: getattr(obj, name) for name in fields} for obj in model._base_manager.filter(pk__in=pks).order_by("pk")]

    @classmethod
    def of_apps(cls, *labels: str) -> Rows:
        """Every row of these apps' tables."""
        chosen = [model for model in _all_models() if model._meta.app_label in labels]
        return cls({model: cls._of(model, _pks(model)) for model in chosen})

    @classmethod
    def added_by(cls, make) -> tuple[Rows, object]:
        """The rows ``make()`` adds, and what it returns; its changes are
        rolled back, so the database is left as it was."""
        with transaction.atomic():
            before = {model: _pks(model) for model in _all_models()}
            result = make()
            added = cls({model: cls._of(model, _pks(model) - pks) for model, pks in before.items()})
            transaction.set_rollback(True)
        return added, result

    def __len__(self) -> int:
        return sum(len(rows) for rows in self.values.values())

    def insert(self, ignore_conflicts: bool = False) -> None:
        """Insert the rows (foreign keys are checked at commit, so the order
        of the tables does not matter), then move each table's id sequence
        past them, so rows a test creates next get new ids."""
        with transaction.atomic():
            for model, rows in self.values.items():
                model._base_manager.bulk_create([model(**row) for row in rows], ignore_conflicts=ignore_conflicts)
            statements = connection.ops.sequence_reset_sql(no_style(), list(self.values))
            if statements:
                with connection.cursor() as cursor:
                    for sql in statements:
                        cursor.execute(sql)
