"""The criteria feed: payer criteria arrive as a CSV or JSON file.

The format is documented in docs/criteria-feed.md.  An import is
all-or-nothing: every row is checked first, every problem is reported with its
line, and nothing is written unless the whole file is good.  Importing the same
file twice changes nothing.

A file is the complete, current list of criteria for each drug × payer ×
denial type it mentions:

- a row identical to the latest version of its criterion changes nothing;
- a row that differs creates a new version and retires the old one on the new
  version's effective date, which must be later than the old one's;
- a latest criterion of a mentioned combination that the file leaves out is
  retired on the newest effective date the file gives that combination.

Combinations the file does not mention are left alone.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction

from appeals.catalog.models import CriteriaImport, Criterion, DenialType, Drug, Payer, Provenance, provenance_problems

REQUIRED_FIELDS = (
    "drug",
    "payer",
    "denial_type",
    "key",
    "position",
    "kind",
    "requirement",
    "evidence",
    "source_title",
    "effective_date",
)
# Provenance columns: a row is a payer's published policy only when it says
# provenance "payer_policy" and gives the policy's address, the day it was read
# and the staff account (username or email) that checked it.  Without them, or
# with any other provenance, the criterion is a typical one for the drug.
OPTIONAL_FIELDS = ("source_url", "provenance", "retrieved_on", "verified_by", "verification_note")
ALL_FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS
MAX_LENGTHS = {
    "key": 80,
    "source_title": 255,
    "source_url": 500,
    "requirement": 4000,
    "evidence": 4000,
    "verification_note": 500,
}
KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_POSITION = 32767

Combo = tuple[int, int, int]  # drug_id, payer_id, denial_type_id


@dataclass(frozen=True)
class RowProblem:
    line: int  # 0 for a problem with the file as a whole
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class FeedRejected(Exception):
    """The file was refused; nothing was imported."""

    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


@dataclass(frozen=True)
class FeedRow:
    line: int
    drug: Drug
    payer: Payer
    denial_type: DenialType
    key: str
    values: dict[str, Any]  # the versioned fields, normalised

    @property
    def combo(self) -> Combo:
        return (self.drug.pk, self.payer.pk, self.denial_type.pk)

    def label(self) -> str:
        return f"{self.drug.slug} × {self.payer.slug} × {self.denial_type.slug}: {self.key}"


@dataclass
class ImportResult:
    dry_run: bool
    created: list[FeedRow] = field(default_factory=list)
    replaced: list[Criterion] = field(default_factory=list)
    dropped: list[Criterion] = field(default_factory=list)
    unchanged: int = 0
    criteria_import: CriteriaImport | None = None

    @property
    def changed(self) -> bool:
        return bool(self.created or self.replaced or self.dropped)

    def summary(self) -> str:
        verb = "would change" if self.dry_run else "changed"
        if not self.changed:
            return f"No changes: all {self.unchanged} criteria are already current."
        return (
            f"{'Dry run: ' if self.dry_run else ''}{verb} the catalog: "
            f"{len(self.created)} new version(s) ({len(self.replaced)} replacing an earlier version), "
            f"{len(self.dropped)} criterion(s) dropped, {self.unchanged} unchanged."
        )


# --- Reading the file -------------------------------------------------------


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FeedRejected([RowProblem(0, f"The file is not UTF-8 text (byte {exc.start}).")]) from None


def _read_csv(text: str) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    if not header:
        raise FeedRejected([RowProblem(1, "The file is empty: the first line must name the columns.")])
    normalised = [name.strip() for name in header]
    missing = [name for name in REQUIRED_FIELDS if name not in normalised]
    unknown = [name for name in normalised if name not in ALL_FIELDS]
    header_problems = []
    if missing:
        header_problems.append(f"missing column(s): {', '.join(missing)}")
    if unknown:
        header_problems.append(f"unknown column(s): {', '.join(unknown)}")
    if header_problems:
        raise FeedRejected([RowProblem(1, "; ".join(header_problems))])
    reader.fieldnames = normalised
    rows = []
    previous_end = reader.line_num
    try:
        for record in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if None in record:
                rows.append((start, {"__problem__": "more values than columns"}))
                continue
            if all(not (value or "").strip() for value in record.values()):
                continue  # a blank line
            rows.append((start, record))
    except csv.Error as exc:
        raise FeedRejected([RowProblem(reader.line_num, f"unreadable CSV: {exc}")]) from None
    return rows


def _read_json(text: str) -> list[tuple[int, dict[str, Any]]]:
    """A JSON array of objects.  Decoded element by element so each row's
    problems can name the line its object starts on."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise FeedRejected([RowProblem(exc.lineno, f"invalid JSON: {exc.msg} (column {exc.colno})")]) from None
    decoder = json.JSONDecoder()
    whitespace = re.compile(r"\s*")
    position = whitespace.match(text, 0).end()
    if not text.startswith("[", position):
        raise FeedRejected([RowProblem(1, "A JSON feed is an array of criterion objects: it must start with '['.")])
    position = whitespace.match(text, position + 1).end()
    rows = []
    if text.startswith("]", position):
        return rows
    while True:
        line = text.count("\n", 0, position) + 1
        value, position = decoder.raw_decode(text, position)
        rows.append((line, value if isinstance(value, dict) else {"__problem__": "each entry must be an object"}))
        position = whitespace.match(text, position).end()
        if text.startswith(",", position):
            position = whitespace.match(text, position + 1).end()
            continue
        return rows  # json.loads above guarantees the closing ']'


def read_feed(file_name: str, data: bytes) -> list[tuple[int, dict[str, Any]]]:
    limit = settings.CRITERIA_FEED_MAX_BYTES
    if len(data) > limit:
        raise FeedRejected([RowProblem(0, f"The file is {len(data):,} bytes; the limit is {limit:,}.")])
    text = _decode(data)
    lowered = file_name.lower()
    if lowered.endswith(".json"):
        return _read_json(text)
    if lowered.endswith(".csv"):
        return _read_csv(text)
    if text.lstrip().startswith("["):
        return _read_json(text)
    return _read_csv(text)


# --- Checking rows ----------------------------------------------------------


def _clean_text(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    # Line endings differ between CSV exports and JSON; normalising them keeps
    # the same criterion from looking changed on every import.
    return "\n".join(line.rstrip() for line in value.strip().replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def _parse_date(values: dict[str, Any], name: str, problems: list[str]) -> None:
    text = values[name]
    if not text:
        values[name] = None
        return
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        values[name] = datetime.date.fromisoformat(text)
    except ValueError:
        problems.append(f"{name} '{text}' must be a real date written YYYY-MM-DD")


def _check_provenance(values: dict[str, Any], catalog: dict[str, dict[str, Any]], problems: list[str]) -> None:
    """Provenance, the day the source was read and who checked it.  Anything but
    'payer_policy' is typical: a row never becomes the payer's by accident."""
    values["provenance"] = Provenance.PAYER_POLICY if values["provenance"] == Provenance.PAYER_POLICY else Provenance.TYPICAL
    own: list[str] = []
    _parse_date(values, "retrieved_on", own)
    checker = values.pop("verified_by")
    values["verified_by_id"] = None
    user = None
    if checker:
        user = catalog["staff"].get(checker.lower())
        if user is None:
            own.append(f"verified_by '{checker[:80]}' is not the username or email of an active staff account")
        else:
            values["verified_by_id"] = user.pk
    if own:
        problems.extend(own)
        return
    missing = provenance_problems(values["provenance"], values["source_url"], values["retrieved_on"], user)
    problems.extend(f"provenance payer_policy: {message[0].lower()}{message[1:]}" for message in missing.values())


def _check_row(raw: dict[str, Any], catalog: dict[str, dict[str, Any]]) -> tuple[dict[str, Any], list[str]]:
    if "__problem__" in raw:
        return {}, [raw["__problem__"]]
    problems: list[str] = []
    unknown = sorted(set(raw) - set(ALL_FIELDS))
    if unknown:
        problems.append(f"unknown field(s): {', '.join(unknown)}")
    values = {name: _clean_text(raw.get(name)) for name in ALL_FIELDS}

    for name in REQUIRED_FIELDS:
        if not values[name]:
            problems.append(f"{name} is empty")
    for name, limit in MAX_LENGTHS.items():
        if len(values[name]) > limit:
            problems.append(f"{name} is longer than {limit} characters")

    for name, model_label in (("drug", "drug"), ("payer", "payer"), ("denial_type", "denial type")):
        slug = values[name]
        if slug and slug not in catalog[name]:
            problems.append(f"unknown {model_label} '{slug}'")

    if values["key"] and not KEY_PATTERN.match(values["key"]):
        problems.append(f"key '{values['key']}' must be lower-case letters, digits and hyphens")

    if values["position"] and (not values["position"].isdigit() or not 1 <= int(values["position"]) <= MAX_POSITION):
        problems.append(f"position '{values['position']}' must be a whole number from 1 to {MAX_POSITION}")

    if values["kind"] and values["kind"] not in Criterion.Kind.values:
        problems.append(f"kind '{values['kind']}' must be one of: {', '.join(Criterion.Kind.values)}")

    if values["effective_date"]:
        _parse_date(values, "effective_date", problems)

    if values["source_url"]:
        try:
            URLValidator(schemes=["http", "https"])(values["source_url"])
        except ValidationError:
            problems.append(f"source_url '{values['source_url'][:80]}' is not an http(s) address")
    _check_provenance(values, catalog, problems)
    return values, problems


def _staff_accounts() -> dict[str, Any]:
    """Active staff accounts by lower-cased username and email: who may verify a criterion."""
    accounts: dict[str, Any] = {}
    for user in get_user_model().objects.filter(is_staff=True, is_active=True):
        accounts[user.get_username().lower()] = user
        if user.email:
            accounts.setdefault(user.email.lower(), user)
    return accounts


def check_rows(raw_rows: list[tuple[int, dict[str, Any]]]) -> tuple[list[FeedRow], list[RowProblem]]:
    catalog = {
        "drug": {drug.slug: drug for drug in Drug.objects.all()},
        "payer": {payer.slug: payer for payer in Payer.objects.all()},
        "denial_type": {denial.slug: denial for denial in DenialType.objects.all()},
        "staff": _staff_accounts(),
    }
    rows: list[FeedRow] = []
    problems: list[RowProblem] = []
    first_line_of: dict[tuple[str, str, str, str], int] = {}
    for line, raw in raw_rows:
        values, row_problems = _check_row(raw, catalog)
        identity = (values.get("drug"), values.get("payer"), values.get("denial_type"), values.get("key"))
        if not row_problems:
            if identity in first_line_of:
                row_problems.append(
                    f"criterion '{values['key']}' for this combination already appears on line {first_line_of[identity]}"
                )
            else:
                first_line_of[identity] = line
        if row_problems:
            problems.append(RowProblem(line, "; ".join(row_problems)))
            continue
        versioned = {name: values[name] for name in Criterion.VERSIONED_FIELDS}
        versioned["position"] = int(versioned["position"])
        rows.append(
            FeedRow(
                line=line,
                drug=catalog["drug"][values["drug"]],
                payer=catalog["payer"][values["payer"]],
                denial_type=catalog["denial_type"][values["denial_type"]],
                key=values["key"],
                values=versioned,
            )
        )
    if not raw_rows:
        problems.append(RowProblem(0, "The file holds no criteria."))
    return rows, problems


# --- Comparing with the catalog and applying --------------------------------


def _same_version(criterion: Criterion, values: dict[str, Any]) -> bool:
    return all(getattr(criterion, name) == values[name] for name in Criterion.VERSIONED_FIELDS)


def _plan(rows: list[FeedRow], result: ImportResult) -> list[RowProblem]:
    """Fill ``result`` with what the file changes; return problems found."""
    problems: list[RowProblem] = []
    combos = {row.combo for row in rows}
    drug_ids, payer_ids, denial_ids = ({combo[i] for combo in combos} for i in range(3))
    candidates = Criterion.objects.filter(drug_id__in=drug_ids, payer_id__in=payer_ids, denial_type_id__in=denial_ids)

    latest: dict[tuple[Combo, str], Criterion] = {}
    # Locked so two imports touching the same criteria run one after the other.
    for criterion in candidates.latest_versions().select_for_update().order_by("pk"):
        combo = (criterion.drug_id, criterion.payer_id, criterion.denial_type_id)
        if combo in combos:
            latest[(combo, criterion.key)] = criterion
    existing_dates = {
        ((drug_id, payer_id, denial_id), key, day)
        for drug_id, payer_id, denial_id, key, day in candidates.values_list(
            "drug_id", "payer_id", "denial_type_id", "key", "effective_date"
        )
    }

    newest_date_of: dict[Combo, datetime.date] = {}
    keys_in_file: dict[Combo, set[str]] = defaultdict(set)
    for row in rows:
        keys_in_file[row.combo].add(row.key)
        day = row.values["effective_date"]
        newest_date_of[row.combo] = max(day, newest_date_of.get(row.combo, day))
        current = latest.get((row.combo, row.key))
        if current is not None and _same_version(current, row.values):
            result.unchanged += 1
            continue
        if current is not None and day <= current.effective_date:
            problems.append(
                RowProblem(
                    row.line,
                    f"criterion '{row.key}' differs from its current version (effective {current.effective_date}); "
                    f"a changed criterion needs a later effective_date than {current.effective_date}, not {day}",
                )
            )
            continue
        if (row.combo, row.key, day) in existing_dates:
            problems.append(
                RowProblem(
                    row.line,
                    f"criterion '{row.key}' already had a version effective {day} that was later retired; "
                    "a criterion brought back needs a new effective_date",
                )
            )
            continue
        result.created.append(row)
        if current is not None:
            result.replaced.append(current)

    for (combo, key), criterion in latest.items():
        if key in keys_in_file[combo]:
            continue
        if newest_date_of[combo] < criterion.effective_date:
            problems.append(
                RowProblem(
                    0,
                    f"the file leaves out criterion '{key}' of {criterion.drug.slug} × {criterion.payer.slug} × "
                    f"{criterion.denial_type.slug}, which is newer ({criterion.effective_date}) than every row the file "
                    f"gives that combination ({newest_date_of[combo]}); the file looks out of date",
                )
            )
            continue
        result.dropped.append(criterion)
    return problems


def _apply(rows: list[FeedRow], result: ImportResult, file_name: str, digest: str, user) -> None:
    record = CriteriaImport.objects.create(
        file_name=file_name[:255],
        sha256=digest,
        imported_by=user if user is not None and user.is_authenticated else None,
        created_count=len(result.created),
        retired_count=len(result.replaced) + len(result.dropped),
        unchanged_count=result.unchanged,
    )
    result.criteria_import = record
    # Retire first: the partial unique index allows one latest version per criterion.
    new_date_of = {(row.combo, row.key): row.values["effective_date"] for row in result.created}
    for criterion in result.replaced:
        combo = (criterion.drug_id, criterion.payer_id, criterion.denial_type_id)
        criterion.retired_on = new_date_of[(combo, criterion.key)]
        criterion.save(update_fields=["retired_on"])
    newest_date_of: dict[Combo, datetime.date] = {}
    for row in rows:
        day = row.values["effective_date"]
        newest_date_of[row.combo] = max(day, newest_date_of.get(row.combo, day))
    for criterion in result.dropped:
        criterion.retired_on = newest_date_of[(criterion.drug_id, criterion.payer_id, criterion.denial_type_id)]
        criterion.save(update_fields=["retired_on"])
    Criterion.objects.bulk_create(
        Criterion(
            drug=row.drug,
            payer=row.payer,
            denial_type=row.denial_type,
            key=row.key,
            criteria_import=record,
            **row.values,
        )
        for row in result.created
    )


def import_criteria(file_name: str, data: bytes, *, dry_run: bool = False, user=None) -> ImportResult:
    """Check and import one feed file.  Raises FeedRejected, importing nothing,
    when any row is bad; the exception lists every problem."""
    raw_rows = read_feed(file_name, data)
    rows, problems = check_rows(raw_rows)
    result = ImportResult(dry_run=dry_run)
    digest = hashlib.sha256(data).hexdigest()
    try:
        with transaction.atomic():
            if rows:
                problems += _plan(rows, result)
            if problems:
                raise FeedRejected(sorted(problems, key=lambda problem: problem.line))
            if dry_run or not result.changed:
                return result
            _apply(rows, result, file_name, digest, user)
    except IntegrityError:
        # Another import changed the same criteria between our check and write.
        raise FeedRejected(
            [RowProblem(0, "Another import changed these criteria at the same time; run the import again.")]
        ) from None
    return result
