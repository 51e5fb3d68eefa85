"""A case's answers are read and written through their schema (appeals.intake.answers) only.

The stored answers are a dict of steps; a field read from it by key
(``answers.get("plan")``, ``stored["items"]``) or a step saved as a literal dict
would give a field a second name the schema test cannot see.  Only the schema
(``answers.py``) and the storage (``Case``, ``intake/models.py``) touch the dict."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import appeals

APP = Path(appeals.__file__).parent
# The schema itself, and the model that keeps the dict encrypted (and its drafts).
ALLOWED = {APP / "intake" / "answers.py", APP / "intake" / "models.py"}
# A value that holds stored answers: answers, stored, case.answers, step_answers …
ANSWERS_NAME = re.compile(r"^(answers|stored|\w+_answers)$")
DICT_READS = {"get", "setdefault", "pop", "items", "keys", "values"}
# What turns a valid form into a step's answers.
WRITERS = {"to_answers", "answers_from"}


def _named_like_answers(node: ast.AST) -> bool:
    if isinstance(node, ast.BoolOp):  # (stored or {})
        return any(_named_like_answers(value) for value in node.values)
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
    return name is not None and bool(ANSWERS_NAME.match(name))


def key_reads(source: str) -> list[tuple[int, str]]:
    """Where source reads stored answers by key, or writes a step as a dict keyed by field names."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Subscript) and _named_like_answers(node.value):
            found.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method, receiver = node.func.attr, node.func.value
            if (
                (method in DICT_READS and _named_like_answers(receiver))
                or method == "step_answers"
                or (method == "save_step" and any(isinstance(arg, ast.Dict | ast.DictComp) for arg in node.args[1:]))
            ):
                found.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.FunctionDef) and node.name in WRITERS:
            # A form's answers are its step's dataclass, not a dict keyed by field names.
            found.extend(
                (inner.lineno, ast.unparse(inner))
                for inner in ast.walk(node)
                if isinstance(inner, ast.Dict) and any(isinstance(key, ast.Constant) for key in inner.keys)
            )
    return found


def test_nothing_outside_the_schema_reads_stored_answers_by_key():
    offenders = [
        f"{path.relative_to(APP.parent)}:{line}: {code}"
        for path in sorted(APP.rglob("*.py"))
        if path not in ALLOWED and "migrations" not in path.parts
        for line, code in key_reads(path.read_text())
    ]
    assert offenders == [], "read them through case.typed_answers (appeals.intake.answers):\n" + "\n".join(offenders)


@pytest.mark.parametrize(
    "source",
    [
        'plan = case.answers.get("plan")',
        'items = (stored or {}).get("items", [])',
        'slug = answers["plan"]["plan_type"]',
        'kind = step_answers["plan_type"]',
        'items = case.step_answers("treatments")',
        'case.save_step("letter", {"template_id": 1})',
        "for name, value in stored.items(): pass",
        'def to_answers(self):\n    return {"items": [], "other_reasons": ""}',
    ],
)
def test_the_check_finds_each_way_of_reading_by_key(source):
    assert key_reads(source)


@pytest.mark.parametrize(
    "source",
    [
        "slug = case.typed_answers.plan.plan_type",
        'value = form.cleaned_data["product"]',
        'context["answers"] = answers.as_dict()',
        "case.save_step(step.slug, step.answers_from(form))",
        'choices = dict(self.fields["site"].choices)',
        "def to_answers(self):\n    return CriteriaAnswers(items=[], other_reasons=self.cleaned_data.get('other_reasons', ''))",
    ],
)
def test_the_check_lets_typed_reads_and_forms_be(source):
    assert key_reads(source) == []
