"""The ICD-10-CM table is filled by `manage.py load_diagnosis_codes`, not by a
migration; `make run` calls it with --if-empty on every start."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.core.management import call_command
from django.db import migrations

from appeals.management.commands import load_diagnosis_codes as command
from appeals.models import DiagnosisCode

pytestmark = pytest.mark.django_db


def test_if_empty_leaves_a_loaded_table_alone(monkeypatch, capsys):
    before = DiagnosisCode.objects.count()
    assert before  # the session's test codes

    def must_not_load():
        raise AssertionError("the code set was parsed again")

    monkeypatch.setattr(command, "load_diagnosis_codes", must_not_load)
    call_command("load_diagnosis_codes", "--if-empty")
    assert "already loaded" in capsys.readouterr().out
    assert DiagnosisCode.objects.count() == before


def test_if_empty_loads_an_empty_table(monkeypatch, capsys):
    DiagnosisCode.objects.all().delete()

    def load_one():
        DiagnosisCode.objects.create(code="M32.14", description="Glomerular disease in SLE", billable=True)
        return 1

    monkeypatch.setattr(command, "load_diagnosis_codes", load_one)
    call_command("load_diagnosis_codes", "--if-empty")
    assert "Loaded 1 ICD-10-CM codes." in capsys.readouterr().out
    assert DiagnosisCode.objects.filter(code="M32.14").exists()


def test_no_migration_loads_the_code_set():
    """Migration 0006 makes the table only: loading 98,186 rows there cost
    every test database seconds.  New databases get them from the command."""
    migration = import_module("appeals.migrations.0006_diagnosis_codes").Migration
    assert [type(operation) for operation in migration.operations] == [migrations.CreateModel]
