from django.core.management.base import BaseCommand

from appeals.catalog.diagnosis import DiagnosisCode, load_diagnosis_codes


class Command(BaseCommand):
    help = "Replace the ICD-10-CM code table with the code set of the installed simple-icd-10-cm release."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only into an empty table (what `make run` does on every start: instant once loaded).",
        )

    def handle(self, *args, **options):
        if options["if_empty"] and DiagnosisCode.objects.exists():
            self.stdout.write(f"ICD-10-CM codes already loaded ({DiagnosisCode.objects.count():,}).")
            return
        count = load_diagnosis_codes()
        self.stdout.write(self.style.SUCCESS(f"Loaded {count:,} ICD-10-CM codes."))
