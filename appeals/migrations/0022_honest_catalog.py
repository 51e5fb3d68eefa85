# The free-text reviewer name goes once 0021 has read it; dropped in a migration of its
# own for the same PostgreSQL reason as 0020.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("appeals", "0021_honest_catalog_data")]

    operations = [
        migrations.RemoveField(
            model_name="guide",
            name="reviewed_by",
        ),
        migrations.RemoveField(
            model_name="historicalguide",
            name="reviewed_by",
        ),
    ]
