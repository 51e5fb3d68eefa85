from django.core.management.base import BaseCommand

from appeals.demo.loader import load_demo_catalog


class Command(BaseCommand):
    help = "Add the demo catalog (drugs, payers, denial and plan types, guides, criteria). Never overwrites existing rows."

    def handle(self, *args, **options):
        self.stdout.write(str(load_demo_catalog()))
