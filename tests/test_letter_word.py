"""The editable Word letter: the same words as the PDF's letter on a US Letter
page, real tables with header rows, lists, and no crash, lost text or script
content whatever the template's markup."""

from __future__ import annotations

import datetime
import html
import io
import re

import pytest
from django.template.loader import render_to_string
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Inches
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appeals.intake.steps import current_criteria
from appeals.letters.rendering import render_packet
from appeals.letters.word import MAX_TABLE_DEPTH, case_letter_docx, letter_docx_from_html
from appeals.models import Letter, LetterTemplate
from tests.support.wizard_answers import PATIENT, PRESCRIBER, VALID_NPI, days_ago
from tests.test_letter_rendering import finished_case, prescriber_template


def read(data: bytes):
    return Document(io.BytesIO(data))


def all_text(document) -> str:
    """The text of every paragraph in the body, nested tables included, one a line."""

    def text_of(paragraph) -> str:
        return "".join(node.text or "" if node.tag == qn("w:t") else "\n" for node in paragraph.iter(qn("w:t"), qn("w:br")))

    return "\n".join(text_of(paragraph) for paragraph in document.element.body.iter(qn("w:p")))


def rows_of(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def table_headed(document, first_heading: str):
    return next(table for table in document.tables if table.rows[0].cells[0].text == first_heading)


def is_header_row(row) -> bool:
    return row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None


def normalised(text: str) -> str:
    return " ".join(text.split())


# --- A real case's letter ---------------------------------------------------


@pytest.mark.django_db
def test_a_case_letter_has_the_patient_each_criterion_the_treatments_and_the_signature(client, demo_catalog):
    case = finished_case(client)
    document = read(case_letter_docx(case, prescriber_template(case)))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    text = all_text(document)
    assert PATIENT["patient_name"] in text and PATIENT["member_id"] in text

    criteria = current_criteria(case)
    assert criteria, "the demo combination has feed criteria"
    # The wizard answered "a clinic note dated 30 days ago"; the letter writes dates as MM/DD/YYYY.
    evidence_date = datetime.date.fromisoformat(days_ago(30)).strftime("%m/%d/%Y")
    criteria_table = table_headed(document, "Criterion")
    assert is_header_row(criteria_table.rows[0]) and not is_header_row(criteria_table.rows[1])
    body_rows = rows_of(criteria_table)[1:]
    for criterion in criteria:
        row = next(row for row in body_rows if row[0].startswith(criterion.requirement))
        assert row[1].startswith((f"Met. Clinic note, {evidence_date}", "Exception: ", "Why it should not apply: "))
    assert len(body_rows) == len(criteria)

    # The medical case, as in the PDF: each earlier treatment with its dose, dates and outcome.
    assert "Hydroxychloroquine 400 mg daily, January 2020 to March 2021: inadequate response." in text

    signature = table_headed(document, "\xa0")
    assert [cell.strip() for cell in rows_of(signature)[1] if cell.strip()] == ["Signature", "Date"]
    signer = next(paragraph for paragraph in document.paragraphs if paragraph.text.startswith(PRESCRIBER["prescriber_name"]))
    lines = signer.text.split("\n")
    assert lines[0] == f"{PRESCRIBER['prescriber_name']}, {PRESCRIBER['credentials']}"
    assert f"NPI {VALID_NPI}" in lines
    assert "Treatments tried" in paragraphs and document.paragraphs[paragraphs.index("Treatments tried")].style.name == (
        "Heading 3"
    )


@pytest.mark.django_db
def test_the_word_letter_is_a_us_letter_page_titled_without_patient_data_and_numbered(client, demo_catalog):
    case = finished_case(client)
    document = read(case_letter_docx(case, prescriber_template(case)))
    section = document.sections[0]
    assert (section.page_width, section.page_height) == (Inches(8.5), Inches(11))
    assert Inches(0.75) <= min(section.left_margin, section.right_margin, section.top_margin, section.bottom_margin)
    assert document.core_properties.title == f"Appeal: {case.drug.name}, {case.payer.name}"
    properties = document.core_properties
    written = " ".join(str(value) for value in (properties.title, properties.author, properties.subject, properties.comments))
    assert PATIENT["patient_name"] not in written and "python-docx" not in written
    footer = section.footer._element
    fields = [node.text.strip() for node in footer.iter(qn("w:instrText"))]
    assert fields == ["PAGE", "NUMPAGES"]


@pytest.mark.django_db
@pytest.mark.parametrize("voice", LetterTemplate.Voice.values)
def test_every_shipped_template_gives_the_same_words_in_word_as_in_the_letter_html(client, demo_catalog, voice):
    """Each paragraph and table cell of the Word file is a run of the letter
    HTML's text: the two say the same thing."""
    from appeals.intake.steps import case_deadlines
    from appeals.letters.context import letter_context
    from appeals.letters.engine import render_letter_body

    case = finished_case(client)
    template = LetterTemplate.objects.get(denial_type=case.denial_type, voice=voice, payer=None, plan_type=None)
    today = timezone.localdate()
    context = letter_context(case, case_deadlines(case, today)[0])
    letter_html = render_letter_body(template.body, context)
    # The Word file is the letter and, after it, the exhibit index the PDF prints.
    letter_html += render_to_string("pdf/exhibit_index.html", {**context, "voice": voice, "voice_filings": []})
    html_text = normalised(html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"<br\s*/?>", " ", letter_html))))
    document = read(case_letter_docx(case, template, today=today))
    pieces = [paragraph.text for paragraph in document.paragraphs]
    pieces += [
        paragraph.text for table in document.tables for row in table.rows for cell in row.cells for paragraph in cell.paragraphs
    ]
    pieces = [normalised(piece) for piece in pieces if piece.strip()]
    assert len(pieces) > 10
    for piece in pieces:
        assert piece in html_text
    assert PATIENT["patient_name"] in all_text(document)


@pytest.mark.django_db
def test_a_letter_without_a_template_uses_the_shipped_prescriber_letter(client, demo_catalog):
    case = finished_case(client)
    document = read(case_letter_docx(case, None))
    assert f"NPI {VALID_NPI}" in all_text(document)
    assert table_headed(document, "Criterion")


@pytest.mark.django_db
def test_render_packet_stores_an_encrypted_word_file_that_opens(client, demo_catalog):
    case = finished_case(client)
    letter = Letter.objects.create(case=case, template=prescriber_template(case))
    assert render_packet(letter.pk) == Letter.Status.READY
    letter.refresh_from_db()
    with letter.docx_file.open("rb") as handle:
        stored = handle.read()
    assert not stored.startswith(b"PK") and PATIENT["patient_name"].encode() not in stored
    assert PATIENT["patient_name"] not in letter.docx_file.name
    document = read(letter.docx_bytes())
    assert PATIENT["patient_name"] in all_text(document)
    assert f"NPI {VALID_NPI}" in all_text(document)


# --- The converter on its own -----------------------------------------------


def test_paragraphs_breaks_bold_italic_small_and_entities():
    document = read(
        letter_docx_from_html(
            "<p>Dear   reviewer,\n   <strong>urgent</strong> <em>now</em><br>Line &amp; two &lt;x&gt;&nbsp;end</p>"
            "<p><small>fine print</small></p><p>  </p>",
            title="T",
        )
    )
    first, second = document.paragraphs
    assert first.text == "Dear reviewer, urgent now\nLine & two <x>\xa0end"
    assert [(run.text, run.bold, run.italic) for run in first.runs[:4]] == [
        ("Dear reviewer, ", None, None),
        ("urgent", True, None),
        (" ", None, None),
        ("now\n", None, True),  # the line break ends the run it follows
    ]
    assert second.text == "fine print" and second.runs[0].font.size.pt == 9


def test_lists_are_word_lists_and_each_numbered_list_starts_at_one():
    document = read(
        letter_docx_from_html(
            "<ul><li>alpha</li><li>beta<ul><li>inner</li></ul>tail</li></ul><ol><li>one</li><li>two</li></ol><ol><li>again</li></ol>",
            title="T",
        )
    )
    styles = [(paragraph.text, paragraph.style.name) for paragraph in document.paragraphs]
    assert styles == [
        ("alpha", "List Bullet"),
        ("beta", "List Bullet"),
        ("inner", "List Bullet 2"),
        ("tail", "List Continue"),
        ("one", "List Number"),
        ("two", "List Number"),
        ("again", "List Number"),
    ]
    num_ids = [paragraph._p.pPr.numPr.numId.val for paragraph in document.paragraphs[4:]]
    assert num_ids[0] == num_ids[1] != num_ids[2]
    numbering = document.part.numbering_part.element
    for num_id in set(num_ids):
        start = numbering.num_having_numId(num_id).find(qn("w:lvlOverride")).find(qn("w:startOverride"))
        assert start.get(qn("w:val")) == "1"


def test_a_table_of_th_cells_leads_as_a_repeating_header_and_ragged_rows_are_padded():
    document = read(
        letter_docx_from_html(
            "<table><tr><th>A</th><th>B</th></tr><tr><td>1</td></tr><tr><td colspan=2>wide</td></tr>"
            "<tr><th>not leading</th><td>x</td></tr></table>",
            title="T",
        )
    )
    (table,) = document.tables
    assert rows_of(table) == [["A", "B"], ["1", ""], ["wide", "wide"], ["not leading", "x"]]
    assert [is_header_row(row) for row in table.rows] == [True, False, False, False]


def test_hostile_markup_keeps_its_text_and_drops_scripts():
    long_paragraph = "word " * 20_000
    document = read(
        letter_docx_from_html(
            "<div><blink><marquee><x-y data-a='1'>nested <q>unknown</q> tags</x-y></marquee></blink>"
            "<script>alert('stolen')</script><style>p { color: red }</style><script/>after"
            "<table></table><table><tr></tr></table><table>loose text<tr>row text<td>cell</td></tr></table>"
            f"<p>{long_paragraph}</p><p>unclosed <b>bold <i>both</td></tr></table></li></ul>stray ends"
            "<img src='http://example.invalid/x.png' alt='practice logo'><img src='file:///etc/passwd'>"
            "<p>control\x00\x0b\x1f characters</p><![CDATA[odd]]><!-- a comment --><?pi?>",
            title="Tricky \x00 title",
        )
    )
    text = all_text(document)
    for expected in ("nested unknown tags", "after", "loose text", "row text", "cell", "unclosed bold both", "stray ends",
                     "[practice logo]", "control characters"):  # fmt: skip
        assert expected in text
    assert "alert" not in text and "stolen" not in text and "color" not in text and "a comment" not in text
    assert text.count("word") == 20_000
    assert document.core_properties.title == "Tricky  title"


def test_tables_nested_deeper_than_the_limit_keep_their_text():
    depth = MAX_TABLE_DEPTH + 30
    markup = "<table><tr><td>" * depth + "deepest" + "</td></tr></table>" * depth
    document = read(letter_docx_from_html(markup, title="T"))
    assert "deepest" in all_text(document)
    nesting, tables = 0, document.tables
    while tables:
        nesting += 1
        tables = [inner for table in tables for row in table.rows for cell in row.cells for inner in cell.tables]
    assert nesting == MAX_TABLE_DEPTH


def test_empty_and_whitespace_only_html_give_an_empty_document():
    for markup in ("", "   \n ", "<p></p><table></table><script>x</script>"):
        assert all_text(read(letter_docx_from_html(markup, title="T"))).strip() == ""


WORDS = [f"w{index}" for index in range(40)]
TAGS = ["p", "div", "b", "strong", "em", "small", "h3", "ul", "ol", "li", "table", "thead", "tbody", "tr", "td", "th",
        "span", "custom-tag", "pre", "blockquote", "a"]  # fmt: skip
TOKENS = st.one_of(
    st.sampled_from(WORDS).map(lambda word: f" {word} "),
    st.sampled_from(TAGS).map(lambda tag: f"<{tag}>"),
    st.sampled_from(TAGS).map(lambda tag: f"</{tag}>"),
    st.sampled_from(["<br>", "<br/>", "<hr>", "<td colspan=3>", "<script>secret()</script>", "&amp;", "&#x41;", "&bogus;"]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TOKENS, max_size=60))
def test_any_mix_of_tags_keeps_every_word_and_no_script(tokens):
    markup = "".join(tokens)
    text = all_text(read(letter_docx_from_html(markup, title="T")))
    for word in {token.strip() for token in tokens if token.strip() in WORDS}:
        assert re.search(rf"\b{word}\b", text), (word, markup)
    assert "secret" not in text
