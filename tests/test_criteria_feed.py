"""The criteria feed: all-or-nothing, idempotent, versioned, every bad row named."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from appeals.catalog.criteria_import import ALL_FIELDS, FeedRejected, import_criteria
from appeals.models import CriteriaImport, Criterion, DenialType, Drug, Payer

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    drugs = [Drug.objects.create(slug=f"drug-{n}", name=f"Drug {n}") for n in range(5)]
    payers = [Payer.objects.create(slug=f"payer-{n}", name=f"Payer {n}") for n in range(2)]
    denials = [
        DenialType.objects.create(slug=f"denial-{n}", name=f"Denial {n}", title_phrase="for a reason", flips_when="x")
        for n in range(5)
    ]
    return drugs, payers, denials


def row(drug="drug-0", payer="payer-0", denial="denial-0", key="diagnosis", position=1, **overrides) -> dict[str, str]:
    values = {
        "drug": drug,
        "payer": payer,
        "denial_type": denial,
        "key": key,
        "position": str(position),
        "kind": "diagnosis",
        "requirement": f"Requirement {key}, with a comma",
        "evidence": "Chart note with the diagnosis and date",
        "source_title": "Payer policy 123",
        "source_url": "https://payer.example/policy/123",
        "effective_date": "2026-01-01",
    }
    values.update(overrides)
    return values


def to_csv(rows: list[dict[str, str]], fields=ALL_FIELDS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(fields), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def fifty_rows() -> list[dict[str, str]]:
    """50 good rows across 25 combinations (5 drugs × 5 denial types, 2 criteria each)."""
    rows = []
    for drug in range(5):
        for denial in range(5):
            for position, key in enumerate(("diagnosis", "prior-therapy"), start=1):
                rows.append(row(drug=f"drug-{drug}", denial=f"denial-{denial}", key=key, position=position))
    return rows


def snapshot() -> list[tuple]:
    return list(Criterion.objects.order_by("pk").values_list()) + [("imports", CriteriaImport.objects.count())]


def rejected_lines(data: bytes, name="feed.csv") -> dict[int, str]:
    with pytest.raises(FeedRejected) as caught:
        import_criteria(name, data)
    return {problem.line: problem.message for problem in caught.value.problems}


# --- The acceptance points ---------------------------------------------------


def test_fifty_rows_with_three_bad_imports_nothing_and_names_all_three(catalog):
    rows = fifty_rows()
    rows[4]["drug"] = "no-such-drug"
    rows[19]["effective_date"] = "2026-02-30"
    rows[41]["kind"] = "astrology"
    problems = rejected_lines(to_csv(rows))
    # The header is line 1, so rows[i] is on line i + 2.
    assert set(problems) == {6, 21, 43}
    assert "unknown drug 'no-such-drug'" in problems[6]
    assert "effective_date '2026-02-30'" in problems[21]
    assert "kind 'astrology'" in problems[43]
    assert Criterion.objects.count() == 0
    assert CriteriaImport.objects.count() == 0


def test_the_same_file_twice_leaves_the_database_unchanged(catalog):
    data = to_csv(fifty_rows())
    first = import_criteria("feed.csv", data)
    assert len(first.created) == 50 and first.criteria_import is not None
    before = snapshot()
    second = import_criteria("feed.csv", data)
    assert not second.changed and second.unchanged == 50
    assert snapshot() == before


def test_a_changed_criterion_keeps_its_earlier_version_dated(catalog):
    import_criteria("v1.csv", to_csv([row(), row(key="prior-therapy", position=2)]))
    changed = row(requirement="Diagnosis confirmed by a rheumatologist", effective_date="2026-07-01")
    result = import_criteria("v2.csv", to_csv([changed, row(key="prior-therapy", position=2)]))

    assert len(result.created) == 1 and len(result.replaced) == 1 and result.unchanged == 1
    versions = list(Criterion.objects.filter(key="diagnosis").order_by("effective_date"))
    assert [(v.effective_date, v.retired_on) for v in versions] == [
        (datetime.date(2026, 1, 1), datetime.date(2026, 7, 1)),
        (datetime.date(2026, 7, 1), None),
    ]
    assert versions[0].requirement == "Requirement diagnosis, with a comma"
    assert versions[1].requirement == "Diagnosis confirmed by a rheumatologist"

    drug, payer, denial = versions[0].drug, versions[0].payer, versions[0].denial_type
    combo = Criterion.objects.for_combo(drug, payer, denial)
    in_june = combo.in_force_on(datetime.date(2026, 6, 30)).get(key="diagnosis")
    in_july = combo.in_force_on(datetime.date(2026, 7, 1)).get(key="diagnosis")
    assert (in_june.pk, in_july.pk) == (versions[0].pk, versions[1].pk)


def test_a_criterion_left_out_of_the_file_is_retired_not_deleted(catalog):
    import_criteria("v1.csv", to_csv([row(), row(key="prior-therapy", position=2)]))
    result = import_criteria("v2.csv", to_csv([row(effective_date="2026-03-01", requirement="New wording")]))
    assert [c.key for c in result.dropped] == ["prior-therapy"]
    dropped = Criterion.objects.get(key="prior-therapy")
    assert dropped.retired_on == datetime.date(2026, 3, 1)
    assert Criterion.objects.latest_versions().count() == 1


def test_combinations_the_file_does_not_mention_are_left_alone(catalog):
    import_criteria("a.csv", to_csv([row(), row(drug="drug-1")]))
    result = import_criteria("b.csv", to_csv([row(effective_date="2026-05-01", requirement="Changed")]))
    assert not result.dropped
    assert Criterion.objects.get(drug__slug="drug-1").retired_on is None


def test_dry_run_reports_changes_and_writes_nothing(catalog):
    result = import_criteria("feed.csv", to_csv(fifty_rows()), dry_run=True)
    assert result.dry_run and len(result.created) == 50
    assert "Dry run" in result.summary()
    assert Criterion.objects.count() == 0 and CriteriaImport.objects.count() == 0


def test_json_and_csv_of_the_same_criteria_are_the_same_version(catalog):
    rows = [row(), row(key="prior-therapy", position=2, requirement="Line one\r\nline two")]
    import_criteria("feed.csv", to_csv(rows))
    as_json = [{**r, "position": int(r["position"])} for r in rows]
    as_json[1]["requirement"] = "Line one\nline two  "
    result = import_criteria("feed.json", json.dumps(as_json, indent=2).encode())
    assert not result.changed and result.unchanged == 2


def test_each_version_records_the_import_that_brought_it(catalog, admin_user):
    result = import_criteria("feed.csv", to_csv([row()]), user=admin_user)
    record = result.criteria_import
    assert record.file_name == "feed.csv" and record.imported_by == admin_user and len(record.sha256) == 64
    assert Criterion.objects.get().criteria_import == record


# --- Every error path ------------------------------------------------------------


def test_file_that_is_not_utf8_is_refused(catalog):
    assert "not UTF-8" in rejected_lines(b"drug,payer\n\xff\xfe\x00bad")[0]


def test_file_over_the_size_limit_is_refused(catalog, settings):
    settings.CRITERIA_FEED_MAX_BYTES = 100
    assert "the limit is 100" in rejected_lines(to_csv(fifty_rows()))[0]


@pytest.mark.parametrize("data", [b"", b"\n\n"])
def test_empty_file_is_refused(catalog, data):
    assert "empty" in rejected_lines(data)[1]


def test_header_only_file_is_refused(catalog):
    assert "no criteria" in rejected_lines(to_csv([]))[0]


def test_missing_and_unknown_columns_are_named(catalog):
    fields = [name for name in ALL_FIELDS if name != "evidence"] + ["efective_date"]
    message = rejected_lines(to_csv([row()], fields=fields))[1]
    assert "missing column(s): evidence" in message
    assert "unknown column(s): efective_date" in message


def test_row_with_more_values_than_columns(catalog):
    data = to_csv([row()]) + (",".join(["value"] * (len(ALL_FIELDS) + 1)) + "\n").encode()
    assert "more values than columns" in rejected_lines(data)[3]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"requirement": "  "}, "requirement is empty"),
        ({"drug": ""}, "drug is empty"),
        ({"payer": "nobody"}, "unknown payer 'nobody'"),
        ({"denial_type": "nope"}, "unknown denial type 'nope'"),
        ({"key": "Has Spaces"}, "key 'Has Spaces' must be lower-case"),
        ({"position": "0"}, "position '0' must be a whole number"),
        ({"position": "two"}, "position 'two' must be a whole number"),
        ({"kind": "mood"}, "kind 'mood' must be one of"),
        ({"effective_date": "01/02/2026"}, "effective_date '01/02/2026' must be a real date"),
        ({"effective_date": "20260101"}, "effective_date '20260101' must be a real date"),
        ({"source_url": "javascript:alert(1)"}, "source_url 'javascript:alert(1)' is not an http(s) address"),
        ({"source_title": "x" * 256}, "source_title is longer than 255 characters"),
    ],
)
def test_bad_field_values_are_reported_with_their_line(catalog, overrides, expected):
    problems = rejected_lines(to_csv([row(key="fine"), row(**overrides)]))
    assert list(problems) == [3]
    assert expected in problems[3]


def test_a_row_with_several_problems_reports_them_all(catalog):
    message = rejected_lines(to_csv([row(drug="ghost", kind="mood", position="-1")]))[2]
    assert "unknown drug 'ghost'" in message and "kind 'mood'" in message and "position '-1'" in message


def test_duplicate_criterion_in_one_file(catalog):
    problems = rejected_lines(to_csv([row(), row(key="other", position=2), row(position=3)]))
    assert problems == {4: "criterion 'diagnosis' for this combination already appears on line 2"}


def test_multiline_quoted_csv_field_keeps_line_numbers_right(catalog):
    rows = [row(requirement="first line\nsecond line\nthird line"), row(key="bad", kind="mood")]
    assert list(rejected_lines(to_csv(rows))) == [5]


def test_invalid_json_names_its_line(catalog):
    problems = rejected_lines(b'[\n  {"drug": "drug-0",\n  "payer": }\n]', name="feed.json")
    assert list(problems) == [3] and "invalid JSON" in problems[3]


def test_json_that_is_not_an_array(catalog):
    assert "must start with '['" in rejected_lines(b'{"criteria": []}', name="feed.json")[1]


def test_json_entries_are_checked_with_the_line_they_start_on(catalog):
    entries = [row(), "just a string", {**row(key="x"), "colour": "blue"}, row(key="y", kind="mood")]
    problems = rejected_lines(json.dumps(entries, indent=2).encode(), name="feed.json")
    text = json.dumps(entries, indent=2)
    starts = [i + 1 for i, line in enumerate(text.splitlines()) if line in ("  {", '  "just a string",')]
    assert sorted(problems) == starts[1:]
    assert "each entry must be an object" in problems[starts[1]]
    assert "unknown field(s): colour" in problems[starts[2]]
    assert "kind 'mood'" in problems[starts[3]]


def test_a_changed_criterion_needs_a_later_effective_date(catalog):
    import_criteria("v1.csv", to_csv([row()]))
    problems = rejected_lines(to_csv([row(requirement="Silently rewritten")]))
    assert "needs a later effective_date than 2026-01-01" in problems[2]
    assert Criterion.objects.get().requirement == "Requirement diagnosis, with a comma"


def test_a_stale_file_cannot_drop_a_newer_criterion(catalog):
    import_criteria("v1.csv", to_csv([row(), row(key="new", position=2, effective_date="2026-06-01")]))
    problems = rejected_lines(to_csv([row()]))
    assert "looks out of date" in problems[0]
    assert Criterion.objects.latest_versions().count() == 2


def test_a_criterion_brought_back_needs_a_new_date(catalog):
    import_criteria("v1.csv", to_csv([row(), row(key="other", position=2)]))
    import_criteria("v2.csv", to_csv([row(key="other", position=2, effective_date="2026-02-01", requirement="B")]))
    problems = rejected_lines(to_csv([row(), row(key="other", position=2, effective_date="2026-02-01", requirement="B")]))
    assert "already had a version effective 2026-01-01" in problems[2]


def test_problems_in_rows_and_against_the_catalog_are_reported_together(catalog):
    import_criteria("v1.csv", to_csv([row()]))
    problems = rejected_lines(to_csv([row(requirement="Rewritten"), row(key="k2", position=2, kind="mood")]))
    assert set(problems) == {2, 3}


# --- The command -----------------------------------------------------------------


def test_command_imports_and_reports(catalog, tmp_path):
    path = tmp_path / "feed.csv"
    path.write_bytes(to_csv(fifty_rows()))
    out = io.StringIO()
    call_command("import_criteria", str(path), stdout=out)
    assert "50 new version(s)" in out.getvalue()
    assert Criterion.objects.count() == 50

    out = io.StringIO()
    call_command("import_criteria", str(path), stdout=out)
    assert "No changes" in out.getvalue()


def test_command_dry_run_writes_nothing(catalog, tmp_path):
    path = tmp_path / "feed.csv"
    path.write_bytes(to_csv([row()]))
    out = io.StringIO()
    call_command("import_criteria", str(path), "--dry-run", stdout=out)
    assert "Dry run" in out.getvalue() and Criterion.objects.count() == 0


def test_command_lists_every_problem_and_fails(catalog, tmp_path):
    path = tmp_path / "feed.csv"
    path.write_bytes(to_csv([row(drug="ghost"), row(key="b", kind="mood")]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("import_criteria", str(path), stderr=err)
    assert "feed.csv: line 2: unknown drug 'ghost'" in err.getvalue()
    assert "feed.csv: line 3:" in err.getvalue()


def test_command_with_a_missing_file(catalog, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_criteria", str(tmp_path / "absent.csv"))


# --- The admin upload --------------------------------------------------------------


def upload(client, data: bytes, name="feed.csv", dry_run=True):
    file = io.BytesIO(data)
    file.name = name
    payload = {"file": file}
    if dry_run:
        payload["dry_run"] = "on"
    return client.post("/admin/appeals/criteriaimport/upload/", payload)


def test_admin_upload_dry_run_then_import(catalog, admin_client):
    data = to_csv(fifty_rows())
    response = upload(admin_client, data)
    assert response.status_code == 200
    assert "would change the catalog" in response.content.decode()
    assert Criterion.objects.count() == 0

    response = upload(admin_client, data, dry_run=False)
    assert response.status_code == 302
    assert Criterion.objects.count() == 50
    assert CriteriaImport.objects.get().imported_by.username == "admin"


def test_admin_upload_shows_every_problem_and_imports_nothing(catalog, admin_client):
    response = upload(admin_client, to_csv([row(drug="ghost"), row(key="b", kind="mood")]), dry_run=False)
    page = response.content.decode()
    assert response.status_code == 200
    assert "line 2: unknown drug &#x27;ghost&#x27;" in page and "line 3:" in page
    assert "Nothing was changed" in page
    assert Criterion.objects.count() == 0


def test_admin_upload_refuses_other_file_types(catalog, admin_client):
    response = upload(admin_client, b"%PDF-1.7", name="policy.pdf")
    assert "Upload a .csv or .json file." in response.content.decode()


def test_admin_upload_needs_permission(catalog, client, django_user_model):
    staff = django_user_model.objects.create_user("viewer", password="pw-viewer-123456", is_staff=True)
    client.force_login(staff)
    assert upload(client, to_csv([row()])).status_code == 403
    assert Criterion.objects.count() == 0
