"""Every catalog admin page answers for staff, with its search, filters and
inlines working on the demo catalog."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from appeals.models import Criterion, DenialType, Drug, Guide, Payer, PlanType

pytestmark = pytest.mark.django_db

APPEALS_MODELS = [model for model in admin.site._registry if model._meta.app_label == "appeals"]


@pytest.fixture
def staff_client(client, django_user_model, demo_catalog):
    user = django_user_model.objects.create_superuser("staff", "staff@example.org", "a-long-test-password")
    client.force_login(user)
    return client


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_catalog_model_is_in_admin():
    assert {PlanType, Drug, Payer, DenialType, Criterion, Guide} <= set(APPEALS_MODELS)


@pytest.mark.parametrize("model", APPEALS_MODELS, ids=lambda model: model.__name__)
def test_changelist_search_and_change_pages_answer(staff_client, model):
    changelist = staff_client.get(admin_url(model, "changelist"))
    assert changelist.status_code == 200
    assert staff_client.get(admin_url(model, "changelist"), {"q": "cigna"}).status_code == 200
    obj = model.objects.first()
    if obj is not None:
        assert staff_client.get(admin_url(model, "change", obj.pk)).status_code == 200
        assert staff_client.get(admin_url(model, "history", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", [PlanType, Drug, Payer, DenialType, Guide], ids=lambda model: model.__name__)
def test_add_pages_answer(staff_client, model):
    assert staff_client.get(admin_url(model, "add")).status_code == 200


def test_criteria_are_read_only_in_admin(staff_client):
    # Criteria change only through the feed, so every version stays citable.
    assert staff_client.get(admin_url(Criterion, "add")).status_code == 403
    criterion = Criterion.objects.first()
    page = staff_client.get(admin_url(Criterion, "change", criterion.pk))
    assert b'name="requirement"' not in page.content


def test_search_finds_a_drug_by_brand_name(staff_client):
    page = staff_client.get(admin_url(Drug, "changelist"), {"q": "saphnelo"})
    names = [drug.slug for drug in page.context["cl"].result_list]
    assert names == ["anifrolumab"]


def test_search_finds_a_payer_by_alias(staff_client):
    page = staff_client.get(admin_url(Payer, "changelist"), {"q": "optum"})
    assert [payer.slug for payer in page.context["cl"].result_list] == ["unitedhealthcare"]


def test_a_class_lists_its_members_inline_and_an_agent_does_not(staff_client):
    jak = Drug.objects.get(slug="jak-inhibitor")
    page = staff_client.get(admin_url(Drug, "change", jak.pk))
    assert b"Member agents" in page.content and b"Upadacitinib" in page.content
    agent = Drug.objects.get(slug="anifrolumab")
    assert b"Member agents" not in staff_client.get(admin_url(Drug, "change", agent.pk)).content


def test_class_picker_offers_classes_only(staff_client):
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "appeals", "model_name": "drug", "field_name": "drug_class", "term": ""},
    )
    assert response.status_code == 200
    offered = {result["text"] for result in response.json()["results"]}
    assert offered == {"JAK inhibitor", "Checkpoint inhibitor"}


def test_list_filters_narrow_the_list(staff_client):
    page = staff_client.get(admin_url(Drug, "changelist"), {"kind__exact": "class"})
    assert {drug.slug for drug in page.context["cl"].result_list} == {"jak-inhibitor", "checkpoint-inhibitor"}
    page = staff_client.get(admin_url(Guide, "changelist"), {"published__exact": "0"})
    assert all(not guide.published for guide in page.context["cl"].result_list)
    assert len(page.context["cl"].result_list) >= 1


def test_publishing_a_guide_without_review_is_refused_with_a_message(staff_client):
    guide = Guide.objects.filter(published=False).first()
    url = admin_url(Guide, "change", guide.pk)
    form = staff_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.pop("is_demo", None)  # a real guide: only a demo guide may be published unreviewed
    data.update(published="on", reviewer="", reviewed_on="")
    response = staff_client.post(url, data)
    assert response.status_code == 200  # the form again, with the typed text kept
    assert b"published only after review" in response.content
    guide.refresh_from_db()
    assert not guide.published


def test_a_phone_number_is_normalised_on_save(staff_client):
    payer = Payer.objects.get(slug="molina")
    url = admin_url(Payer, "change", payer.pk)
    form = staff_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data["plan_types"] = [plan_type.pk for plan_type in payer.plan_types.all()]
    data["appeals_fax"] = "1-800.555.0177"
    data = {key: ("" if value is None else value) for key, value in data.items()}
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    payer.refresh_from_db()
    assert payer.appeals_fax == "(800) 555-0177"


def test_anonymous_visitors_are_sent_to_login(client, demo_catalog):
    response = client.get(admin_url(Drug, "changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_guides_link_to_their_page_or_preview(staff_client):
    listing = staff_client.get(admin_url(Guide, "changelist")).content.decode()
    assert '<a href="/appeal/anifrolumab/cigna/step-therapy/" target="_blank" rel="noopener">View on site</a>' in listing
    assert '<a href="/appeal/upadacitinib/aetna/quantity-limit/" target="_blank" rel="noopener">Preview</a>' in listing
    guide = Guide.objects.get(published=False)
    change = staff_client.get(admin_url(Guide, "change", guide.pk)).content.decode()
    assert "View on site" in change
    # Django's view-on-site redirect lands on the preview, which staff can open.
    redirect = staff_client.get(reverse("admin:view_on_site", args=[admin_url_content_type(Guide), guide.pk]))
    assert redirect.status_code == 302 and redirect["Location"].endswith("/appeal/upadacitinib/aetna/quantity-limit/")
    assert staff_client.get("/appeal/upadacitinib/aetna/quantity-limit/").status_code == 200


def admin_url_content_type(model) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model).pk
