"""Random and hostile input to every form: never a server error, nothing
stored beyond what the form defines, and oversize bodies refused."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appeals.models import Case
from appeals.wizard.steps import STEPS
from tests.test_wizard_steps import open_case, walk
from tests.wizard_answers import answers_for

pytestmark = pytest.mark.django_db

HOSTILE_TEXT = st.one_of(
    st.text(max_size=300),
    st.sampled_from([
        "", " ", "\x00", "' OR 1=1 --", "<script>alert(1)</script>", "{{ patient.patient_name }}", "{% debug %}",
        "../../etc/passwd", "9" * 400, "1981-02-30", "-1", "NaN", "\u202e\u0000\ud7ff", "a" * 6000, "%s%s%n",
    ]),
)  # fmt: skip
EXAMPLES = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def step_url(case_url: str, slug: str) -> str:
    return f"{case_url}{slug}/"


@pytest.fixture
def answered_case(client, demo_catalog):
    """A case with every step answered, so every step can be posted to."""
    case_url = open_case(client, denial="non-formulary")
    walk(client, case_url)
    return case_url


def _stored_keys_are_the_forms(case: Case) -> None:
    known = {step.slug for step in STEPS} | {"_drafts", "letter"}
    assert set(case.answers) <= known, set(case.answers) - known


@EXAMPLES
@given(data=st.data())
def test_every_step_survives_random_values_in_its_own_fields(client, answered_case, data):
    token = answered_case.rstrip("/").rsplit("/", 1)[-1]
    case = Case.objects.by_token(token)
    for step in [s for s in STEPS if s.is_applicable(case)]:
        form = step.build_form(case)
        valid = answers_for(step.slug, form)
        hostile = {key: data.draw(HOSTILE_TEXT, label=f"{step.slug}.{key}") for key in valid if not key.endswith("_FORMS")}
        response = client.post(step_url(answered_case, step.slug), {**valid, **hostile, "injected_field": "x"})
        assert response.status_code in (200, 302), (step.slug, response.status_code)
        case = Case.objects.by_token(token)
        _stored_keys_are_the_forms(case)
        assert "injected_field" not in (case.step_answers(step.slug) or {})


@EXAMPLES
@given(fields=st.dictionaries(st.text(min_size=1, max_size=40), HOSTILE_TEXT, max_size=15))
def test_start_and_review_survive_arbitrary_fields(client, answered_case, fields):
    assert client.post("/start/", fields).status_code in (200, 302, 429)
    assert client.post(f"{answered_case}review/", fields).status_code in (200, 302)
    assert client.get("/start/", fields).status_code == 200


def test_an_oversize_body_is_refused_and_nothing_is_stored(client, answered_case):
    token = answered_case.rstrip("/").rsplit("/", 1)[-1]
    before = Case.objects.by_token(token).answers
    response = client.post(step_url(answered_case, "patient"), {"patient_name": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 400
    assert Case.objects.by_token(token).answers == before


def test_too_many_fields_are_refused(client, answered_case):
    response = client.post(step_url(answered_case, "patient"), {f"f{i}": "x" for i in range(1200)})
    assert response.status_code == 400
