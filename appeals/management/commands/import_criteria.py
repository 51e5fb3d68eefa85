from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from appeals.catalog.criteria_import import FeedRejected, import_criteria


class Command(BaseCommand):
    help = "Import a criteria feed file (CSV or JSON; see docs/criteria-feed.md). All-or-nothing and idempotent."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report what would change; write nothing.")

    def handle(self, *args, file: Path, dry_run: bool, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        try:
            result = import_criteria(file.name, data, dry_run=dry_run)
        except FeedRejected as exc:
            for problem in exc.problems:
                self.stderr.write(f"{file.name}: {problem}")
            raise CommandError(f"{file.name} was not imported: {len(exc.problems)} problem(s). Nothing was changed.") from None
        for row in result.created:
            self.stdout.write(f"  new version: {row.label()} (effective {row.values['effective_date']})")
        for criterion in result.dropped:
            self.stdout.write(
                f"  dropped: {criterion.drug.slug} × {criterion.payer.slug} × {criterion.denial_type.slug}: {criterion.key}"
            )
        self.stdout.write(self.style.SUCCESS(result.summary()))
