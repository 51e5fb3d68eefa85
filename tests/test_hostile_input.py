"""Random and hostile input to every form: never a server error, nothing
stored beyond what the form defines, and oversize bodies refused."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from appeals.intake.steps import STEPS
from appeals.models import Case
from tests.support.cases import answer_every_step, opened_case
from tests.support.wizard_answers import answers_for

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
    case, case_url = opened_case(denial="non-formulary")
    answer_every_step(case)
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
    assert response.status_code == 413
    assert Case.objects.by_token(token).answers == before


def test_too_many_fields_are_refused(client, answered_case):
    response = client.post(step_url(answered_case, "patient"), {f"f{i}": "x" for i in range(1200)})
    assert response.status_code == 400


# --- Checkout, the status page's forms and the webhook ------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | HOSTILE_TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=20), children, max_size=4),
    max_leaves=12,
)
HANDLED_TYPES = st.sampled_from([
    "checkout.session.completed", "checkout.session.async_payment_succeeded", "checkout.session.async_payment_failed",
    "checkout.session.expired", "charge.refunded", "",
])  # fmt: skip


@EXAMPLES
@given(email=HOSTILE_TEXT, promo=HOSTILE_TEXT, extra=st.dictionaries(st.text(min_size=1, max_size=20), HOSTILE_TEXT, max_size=5))
def test_the_payment_form_survives_hostile_input_and_charges_only_a_known_price(
    client, answered_case, settings, email, promo, extra
):
    from appeals.models import Order

    settings.DEBUG = True
    settings.STRIPE_SECRET_KEY = ""
    settings.RATELIMIT_ENABLE = False
    response = client.post(f"{answered_case}payment/", {**extra, "email": email, "promo": promo, "pay": ""})
    assert response.status_code in (200, 302), response.status_code
    assert set(Order.objects.values_list("amount_cents", flat=True)) <= {3000, 4000}


@EXAMPLES
@given(body=st.binary(max_size=2000), signature=HOSTILE_TEXT)
def test_the_webhook_refuses_anything_unsigned_with_400(client, open_order, body, signature):
    from tests.test_stripe_webhook import state

    before = state(open_order)
    response = client.post("/stripe/webhook/", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)
    assert response.status_code == 400
    assert state(open_order) == before


@EXAMPLES
@given(event_type=HANDLED_TYPES, data_object=JSON_VALUES, event_id=HOSTILE_TEXT)
@example(event_type="checkout.session.completed", data_object=None, event_id="")  # once a 500
@example(event_type="checkout.session.completed", data_object={"id": 1, "amount_total": "x"}, event_id="evt_1")
def test_a_signed_event_of_any_shape_is_never_a_server_error_and_pays_nothing(
    client, open_order, event_type, data_object, event_id
):
    """Signed with the right secret but malformed: a 2xx (Stripe stops
    retrying) or a 400, never a 5xx, and the order is not paid."""
    from tests.support.payment_helpers import deliver
    from tests.test_stripe_webhook import state

    before = state(open_order)
    event = {"id": event_id, "object": "event", "type": event_type, "data": {"object": data_object}}
    response = deliver(client, event)
    assert response.status_code in (200, 400), response.status_code
    assert state(open_order)[:2] == before[:2]


@EXAMPLES
@given(fields=st.dictionaries(st.text(min_size=1, max_size=20), HOSTILE_TEXT, max_size=6))
def test_the_share_and_pay_forms_on_the_status_page_survive_hostile_input(client, paid_letter, fields):
    from appeals.models import LetterShare

    assert client.post(paid_letter.status_path() + "share/", fields).status_code in (302, 400)
    assert client.post(paid_letter.status_path() + "pay/", fields).status_code == 302
    assert client.post(f"/pay/local/{paid_letter.public_id}/", fields).status_code in (302, 400, 404, 405)
    for share in LetterShare.objects.all():
        assert len(share.label) <= 100
