from django.core.management.base import BaseCommand

from appeals.catalog.diagnosis import load_diagnosis_codes


class Command(BaseCommand):
    help = "Replace the ICD-10-CM code table with the code set of the installed simple-icd-10-cm release."

    def handle(self, *args, **options):
        count = load_diagnosis_codes()
        self.stdout.write(self.style.SUCCESS(f"Loaded {count:,} ICD-10-CM codes."))
