"""The letter as an editable Word file, for offices that change the wording
before the prescriber signs.

It is made from the same context and the same template body as the PDF's
letter, so the words are the same, medical case included, and the exhibit
index follows it as in the PDF; the fax cover, the request pages and the
office sheet are left out.

The letter HTML is a small subset staff write in (p, br, strong/b, em/i,
h2–h4, small, ul/ol/li, table with thead/tbody/tr/th/td, class attributes),
converted here with the standard library's HTML parser and python-docx.  A
general HTML-to-docx library was weighed and not taken: the one most used
copies the text of <script> into the document, fetches <img> sources over the
network from inside the worker, and is a single large module forked from an
abandoned project; this subset needs none of what it adds.

What the converter promises, whatever the markup: it never raises on odd or
hostile HTML, never drops text (an unknown tag gives its text, an image its alt
text), never copies script or style content, never reaches the network, and
writes character references (&amp;, &nbsp;) as the characters they stand for.
"""

from __future__ import annotations

import datetime
import functools
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.template.loader import render_to_string
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor

from appeals.intake.models import Case
from appeals.letters.case_letter import letter_for_case
from appeals.letters.models import LetterTemplate

# The PDF's page (static/css/packet.css): US Letter, the same margins, a serif
# face metric-compatible with the PDF's Liberation Serif, "Page X of Y" below.
PAGE_WIDTH, PAGE_HEIGHT = Inches(8.5), Inches(11)
MARGINS = {"top": Inches(0.8), "bottom": Inches(0.9), "left": Inches(0.9), "right": Inches(0.9)}
FONT = "Times New Roman"
FONT_SIZE = Pt(11)
SMALL_SIZE = Pt(9)
HEADING_SIZES = {1: Pt(16), 2: Pt(13), 3: Pt(12), 4: Pt(11), 5: Pt(11), 6: Pt(11)}

# Content that is never text on the page.
SKIPPED = {"script", "style", "template", "head", "title", "noscript", "iframe", "object", "svg", "math"}
# Tags that end the paragraph before them and start a new one after them.
BLOCKS = {
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "address", "blockquote",
    "figure", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "pre",
    "hr", "caption", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "body", "html", "form", "fieldset",
}  # fmt: skip
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# Deeper tables than this are written as their cells' paragraphs: the text is
# kept, and hostile nesting cannot exhaust the writer's recursion.
MAX_TABLE_DEPTH = 4
# Characters XML 1.0 cannot hold; lxml refuses a document with any of them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_HTML_SPACE = re.compile("[ \t\n\r\f]+")  # not \xa0: a no-break space stays
BREAK = object()


@dataclass(frozen=True)
class Format:
    bold: bool = False
    italic: bool = False
    underline: bool = False
    small: bool = False
    superscript: bool = False
    subscript: bool = False


@dataclass
class Paragraph:
    style: str = "Normal"
    heading: int = 0
    list_kind: str = ""  # "ul" or "ol" for the first paragraph of a list item
    list_level: int = 0
    list_id: int = 0  # which <ol> it belongs to, so each numbered list starts at 1
    classes: tuple[str, ...] = ()
    preformatted: bool = False
    pieces: list = field(default_factory=list)  # (text, Format) or BREAK


@dataclass
class Cell:
    header: bool = False
    span: int = 1
    blocks: list = field(default_factory=list)


@dataclass
class Row:
    header: bool = False
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Table:
    classes: tuple[str, ...] = ()
    rows: list[Row] = field(default_factory=list)


class _LetterParser(HTMLParser):
    """HTML → a list of Paragraph and Table blocks (tables hold blocks in their cells)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list = []
        self.containers: list[list] = [self.blocks]  # where the next block goes: the body or a cell
        self.tables: list[Table] = []
        self.open_cells: list[Cell | None] = []  # per open table, its current cell
        self.in_thead = 0
        self.ignored_tables = 0
        self.paragraph: Paragraph | None = None
        self.skipping: list[str] = []
        self.inline: dict[str, int] = {}
        self.block_tags: list[tuple[str, tuple[str, ...]]] = []
        self.lists: list[str] = []
        self.list_ids: list[int] = []
        self.next_list_id = 0
        self.items: list[bool] = []  # per open <li>: whether its first paragraph (with the bullet) is written
        self.pre = 0

    # --- Text -------------------------------------------------------------

    def handle_data(self, data: str) -> None:
        if self.skipping or not data:
            return
        data = _NOT_XML.sub("", data)
        if not data or (not self.pre and not data.strip(" \t\n\r\f") and self.paragraph is None):
            return  # whitespace between blocks is layout, not text
        if self.tables and self.open_cells[-1] is None and data.strip():
            self._open_implicit_cell()  # text loose in a table or row: kept, in a cell of its own
        elif self.tables and self.open_cells[-1] is None:
            return
        paragraph = self._current_paragraph()
        fmt = self._format()
        if self.pre:
            lines = data.split("\n")
            for index, line in enumerate(lines):
                if index:
                    paragraph.pieces.append(BREAK)
                if line:
                    paragraph.pieces.append((line, fmt))
        else:
            paragraph.pieces.append((data, fmt))

    def _format(self) -> Format:
        on = lambda *tags: any(self.inline.get(tag) for tag in tags)  # noqa: E731
        return Format(
            bold=on("strong", "b") or self._in_header_cell(),
            italic=on("em", "i", "cite", "var", "dfn"),
            underline=on("u", "ins"),
            small=on("small"),
            superscript=on("sup"),
            subscript=on("sub"),
        )

    def _in_header_cell(self) -> bool:
        cell = self.open_cells[-1] if self.open_cells else None
        return bool(cell and cell.header)

    def _current_paragraph(self) -> Paragraph:
        if self.paragraph is None:
            self.paragraph = self._new_paragraph()
            self.containers[-1].append(self.paragraph)
        return self.paragraph

    def _new_paragraph(self) -> Paragraph:
        classes = tuple(cls for _, tag_classes in self.block_tags for cls in tag_classes)
        inner = [tag for tag, _ in self.block_tags]
        # Only what is open inside the innermost table cell shapes the paragraph:
        # a list around a table does not make the table's text list items.
        cell_at = max((index for index, tag in enumerate(inner) if tag in ("td", "th")), default=-1)
        scope = inner[cell_at + 1 :]
        heading = next((HEADINGS[tag] for tag in reversed(scope) if tag in HEADINGS), 0)
        lists = [tag for tag in scope if tag in ("ul", "ol")]
        paragraph = Paragraph(classes=classes, preformatted=bool(self.pre))
        if heading:
            paragraph.style, paragraph.heading = f"Heading {heading}", heading
        elif lists and "li" in scope and self.items:
            level = min(len(lists), 3)
            suffix = f" {level}" if level > 1 else ""
            if not self.items[-1]:
                paragraph.list_kind, paragraph.list_level, paragraph.list_id = lists[-1], level, self.list_ids[-1]
                paragraph.style = ("List Bullet" if lists[-1] == "ul" else "List Number") + suffix
                self.items[-1] = True
            else:  # a second paragraph of the same item: indented, no bullet or number
                paragraph.style = "List Continue" + suffix
        return paragraph

    def _end_paragraph(self) -> None:
        self.paragraph = None

    # --- Tags -------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.append(tag)  # the same tag nested: wait for its own end
            return
        if tag in SKIPPED:
            self.skipping.append(tag)
            return
        if tag == "br":
            if self.tables and self.open_cells[-1] is None:
                return
            self._current_paragraph().pieces.append(BREAK)
            return
        if tag == "img":
            alt = (attributes.get("alt") or "").strip()
            if alt:
                self.handle_data(f"[{alt}]")
            return
        if tag in ("wbr", "meta", "link", "input", "col", "colgroup", "source", "area", "base", "param", "track"):
            return
        if tag not in BLOCKS:
            self.inline[tag] = self.inline.get(tag, 0) + 1
            return
        self._end_paragraph()
        if tag == "hr":
            return
        classes = tuple((attributes.get("class") or "").split())
        if tag in ("table", "thead", "tbody", "tfoot", "tr", "td", "th") and self._table_tag_ignored(tag):
            self.block_tags.append((tag, ()))
            return
        self.block_tags.append((tag, classes))
        if tag == "pre":
            self.pre += 1
        elif tag in ("ul", "ol"):
            self.lists.append(tag)
            self.list_ids.append(self.next_list_id)
            self.next_list_id += 1
        elif tag == "li":
            self.items.append(False)
        elif tag == "table":
            table = Table(classes=classes)
            self.containers[-1].append(table)
            self.tables.append(table)
            self.open_cells.append(None)
        elif tag == "thead":
            self.in_thead += 1
        elif tag == "tr":
            self._close_cell()
            self.tables[-1].rows.append(Row(header=bool(self.in_thead)))
        elif tag in ("td", "th"):
            self._close_cell()
            table = self.tables[-1]
            if not table.rows:
                table.rows.append(Row(header=bool(self.in_thead)))
            try:
                span = max(1, min(int(attributes.get("colspan") or 1), 50))
            except ValueError:
                span = 1
            cell = Cell(header=tag == "th" or bool(self.in_thead), span=span)
            table.rows[-1].cells.append(cell)
            self.open_cells[-1] = cell
            self.containers.append(cell.blocks)

    def _table_tag_ignored(self, tag: str) -> bool:
        """Table tags beyond the depth limit, and row or cell tags outside any
        table, only separate paragraphs."""
        if tag == "table":
            if len(self.tables) >= MAX_TABLE_DEPTH or self.ignored_tables:
                self.ignored_tables += 1
                return True
            return False
        return not self.tables or bool(self.ignored_tables)

    def _open_implicit_cell(self) -> None:
        self.handle_starttag("td", [])
        self.block_tags.pop()  # it has no end tag of its own; the row's or table's end closes it

    def _close_cell(self) -> None:
        if self.tables and self.open_cells[-1] is not None:
            self._end_paragraph()
            self.containers.pop()
            self.open_cells[-1] = None

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/>, <img/>: the same as without the slash; <p/> opens nothing to close.
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "img", "hr") and tag not in SKIPPED:
            self.handle_endtag(tag)
        elif tag in SKIPPED and self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        if tag in SKIPPED or tag in ("br", "img", "hr"):
            return
        if tag not in BLOCKS:
            if self.inline.get(tag):
                self.inline[tag] -= 1
            return
        if tag not in (open_tag for open_tag, _ in self.block_tags):
            self._end_paragraph()  # a stray end tag: a paragraph boundary at most
            return
        # Close everything opened inside it too, as a browser does.
        while self.block_tags:
            open_tag, _ = self.block_tags.pop()
            self._close_block(open_tag)
            if open_tag == tag:
                break

    def _close_block(self, tag: str) -> None:
        self._end_paragraph()
        if tag in ("table", "thead", "tbody", "tfoot", "tr", "td", "th") and (self.ignored_tables or not self.tables):
            if tag == "table" and self.ignored_tables:
                self.ignored_tables -= 1
            return
        if tag == "pre":
            self.pre = max(0, self.pre - 1)
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self.list_ids.pop()
        elif tag == "li" and self.items:
            self.items.pop()
        elif tag == "thead":
            self.in_thead = max(0, self.in_thead - 1)
        elif tag in ("td", "th", "tr"):
            self._close_cell()
        elif tag == "table":
            self._close_cell()
            self.tables.pop()
            self.open_cells.pop()

    def close(self) -> None:
        super().close()
        while self.block_tags:
            self._close_block(self.block_tags.pop()[0])
        self._end_paragraph()


def parse_letter_html(letter_html: str) -> list:
    parser = _LetterParser()
    parser.feed(letter_html)
    parser.close()
    return parser.blocks


# --- Writing the document ----------------------------------------------------


def _collapsed(paragraph: Paragraph) -> list:
    """The paragraph's pieces with HTML's white-space rules applied: runs of
    spaces and newlines are one space, none at the start or end of a line."""
    if paragraph.preformatted:
        return list(paragraph.pieces)
    out: list = []
    at_line_start = True
    for piece in paragraph.pieces:
        if piece is BREAK:
            _strip_trailing_space(out)
            out.append(BREAK)
            at_line_start = True
            continue
        text, fmt = piece
        text = _HTML_SPACE.sub(" ", text)
        if at_line_start:
            text = text.lstrip(" ")
        elif text.startswith(" ") and out and out[-1] is not BREAK and out[-1][0].endswith(" "):
            text = text[1:]
        if text:
            out.append((text, fmt))
            at_line_start = False
    _strip_trailing_space(out)
    return out


def _strip_trailing_space(pieces: list) -> None:
    while pieces and pieces[-1] is not BREAK:
        text, fmt = pieces[-1]
        if text.endswith(" "):
            text = text.rstrip(" ")
            if text:
                pieces[-1] = (text, fmt)
                return
            pieces.pop()
            continue
        return


def _has_content(blocks: list) -> bool:
    return any(
        (isinstance(block, Paragraph) and _collapsed(block)) or (isinstance(block, Table) and block.rows) for block in blocks
    )


class _Writer:
    def __init__(self, document) -> None:
        self.document = document
        self.numbering = document.part.numbering_part.element
        self.numbers: dict[tuple[int, int], int] = {}  # (list id, level) → w:numId that restarts at 1
        self.style_ids: dict[str, str] = {}

    def write(self, blocks: list, container) -> None:
        """Blocks into the document body or a table cell.  A cell comes with
        one empty paragraph, which its first paragraph fills."""
        fill = container.paragraphs[0] if hasattr(container, "_tc") and not container.paragraphs[0].text else None
        for block in blocks:
            if isinstance(block, Table):
                if self._write_table(block, container):
                    fill = None
                continue
            pieces = _collapsed(block)
            if not pieces:
                continue
            if fill is not None:
                paragraph, fill = fill, None
            else:
                paragraph = container.add_paragraph()
            if block.style != "Normal":
                paragraph._p.style = self._style_id(block.style)
            self._write_paragraph(paragraph, block, pieces)

    def _style_id(self, name: str) -> str:
        # python-docx looks a style up by scanning every style of the document
        # on each assignment, the bulk of the time a letter takes; once is enough.
        if name not in self.style_ids:
            self.style_ids[name] = self.document.styles[name].style_id
        return self.style_ids[name]

    def _write_paragraph(self, paragraph, block: Paragraph, pieces: list) -> None:
        if block.list_kind == "ol":
            self._number(paragraph, block)
        if "letter-signature" in block.classes:
            # The signature block stays with the closing above it and on one page.
            paragraph.paragraph_format.keep_together = True
            paragraph.paragraph_format.space_before = Pt(18)
        run = None
        for piece in pieces:
            if piece is BREAK:
                (run or paragraph.add_run()).add_break(WD_BREAK.LINE)
                continue
            text, fmt = piece
            run = paragraph.add_run(text)
            run.bold = fmt.bold or None
            run.italic = fmt.italic or None
            run.underline = fmt.underline or None
            if fmt.small:
                run.font.size = SMALL_SIZE
            if fmt.superscript:
                run.font.superscript = True
            elif fmt.subscript:
                run.font.subscript = True

    def _number(self, paragraph, block: Paragraph) -> None:
        """Word numbers every paragraph of the "List Number" style as one list;
        each <ol> gets a numbering instance of its own that starts at 1."""
        key = (block.list_id, block.list_level)
        if key not in self.numbers:
            style_num_pr = self.document.styles[block.style].element.pPr.numPr
            style_num = self.numbering.num_having_numId(style_num_pr.numId.val)
            num = self.numbering.add_num(style_num.abstractNumId.val)
            num.add_lvlOverride(ilvl=0).add_startOverride(1)
            self.numbers[key] = num.numId
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = self.numbers[key]

    def _write_table(self, table: Table, container) -> bool:
        rows = [row for row in table.rows if row.cells]
        if not rows:
            return False  # an empty table has nothing to show; Word refuses a table with no cell
        columns = max(sum(cell.span for cell in row.cells) for row in rows)
        word_table = container.add_table(rows=len(rows), cols=columns)
        word_table.style = self.document.styles["Table Grid"]
        word_table.alignment = WD_TABLE_ALIGNMENT.LEFT
        # Header rows repeat at the top of each page only while they lead the table.
        leading_header = True
        for row_index, row in enumerate(rows):
            word_row = word_table.rows[row_index]
            is_header = row.header or all(cell.header for cell in row.cells)
            leading_header = leading_header and is_header
            tr_pr = word_row._tr.get_or_add_trPr()
            if leading_header:
                tr_pr.append(OxmlElement("w:tblHeader"))
            tr_pr.append(OxmlElement("w:cantSplit"))  # a criterion and its answer stay on one page
            column = 0
            for cell in row.cells:
                word_cell = word_row.cells[column]
                if cell.span > 1:
                    word_cell = word_cell.merge(word_row.cells[column + cell.span - 1])
                column += cell.span
                if _has_content(cell.blocks):
                    self.write(cell.blocks, word_cell)
                if is_header:
                    _shade(word_cell, "E7E7E7")
        return True


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


@functools.cache
def _blank_letter() -> bytes:
    """An empty letter with the page, styles and footer set: made once per
    process, since styling python-docx's default template is a good part of
    the time a letter takes."""
    document = Document()
    _set_up_page_and_styles(document)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def _set_up_page_and_styles(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]

    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, FONT_SIZE
    # python-docx sets only the Latin face; East Asian and complex-script text
    # would otherwise fall back to the theme's font.
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for level, size in HEADING_SIZES.items():
        heading = document.styles[f"Heading {level}"]
        heading.font.name, heading.font.size, heading.font.bold = FONT, size, True
        heading.font.italic = False
        heading.font.color.rgb = RGBColor(0, 0, 0)  # a letter, not the template's blue
        heading.paragraph_format.space_before, heading.paragraph_format.space_after = Pt(12), Pt(4)
        heading.paragraph_format.keep_with_next = True

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for part in ("Page ", "PAGE", " of ", "NUMPAGES"):
        if part.isupper():
            _add_field(footer, part)
        else:
            footer.add_run(part).font.size = SMALL_SIZE


def _set_properties(document, title: str) -> None:
    properties = document.core_properties
    now = datetime.datetime.now(tz=datetime.UTC).replace(microsecond=0)
    properties.title = _NOT_XML.sub("", title)
    properties.author = properties.last_modified_by = "DenialHelp"
    properties.comments = properties.subject = properties.keywords = ""
    properties.created = properties.modified = now
    properties.revision = 1


def _add_field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice compute when they lay out the page."""
    run = paragraph.add_run()
    run.font.size = SMALL_SIZE
    begin, code, separate, end = (OxmlElement(name) for name in ("w:fldChar", "w:instrText", "w:fldChar", "w:fldChar"))
    begin.set(qn("w:fldCharType"), "begin")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    separate.set(qn("w:fldCharType"), "separate")
    end.set(qn("w:fldCharType"), "end")
    placeholder = OxmlElement("w:t")
    placeholder.text = "1"  # shown by a reader that does not compute fields
    for element in (begin, code, separate, placeholder, end):
        run._r.append(element)


def letter_docx_from_html(letter_html: str, *, title: str) -> bytes:
    """The letter's HTML as a .docx on a US Letter page: paragraphs and line
    breaks, bold and italic, headings, lists, and real tables whose header rows
    repeat on each page; the title in the file's properties."""
    document = Document(io.BytesIO(_blank_letter()))
    _set_properties(document, title)
    _Writer(document).write(parse_letter_html(letter_html), document)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def case_letter_docx(case: Case, template: LetterTemplate | None, *, today: datetime.date | None = None) -> bytes:
    """A case's letter as Word, from the same context and body as its PDF.
    ``today`` is the date the PDF was rendered for, so both carry the same dates."""
    letter = letter_for_case(case, template, today=today)
    # The exhibit index follows the letter, as in the PDF, so the Word letter's "Exhibit C" resolves.
    index = render_to_string("pdf/exhibit_index.html", {**letter.context, "voice": letter.voice, "voice_filings": []})
    # The calls logged before this level follow it, as in the PDF's submission.
    calls = render_to_string("pdf/calls.html", {**letter.context, "voice": letter.voice}) if letter.context.get("calls") else ""
    return letter_docx_from_html(letter.html() + index + calls, title=letter.title)
