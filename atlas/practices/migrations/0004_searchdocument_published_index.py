"""An index for search results sorted by publication date (the default without a query).

Sorting by `published_at` otherwise reads every matching search document, and on
SQLite the date is stored after the long folded body, so each read walks its overflow
pages: 110-330 ms at 100,000 practices; with the index, under 1 ms
(docs/benchmarks.md). The index covers the join on practice_id as well.

Plain SQL rather than Meta.indexes: it serves search.py's raw queries, the same on
SQLite and PostgreSQL, and leaves the model as it is.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("practices", "0003_choice_labels")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX practices_searchdocument_published "
            "ON practices_searchdocument (published_at, practice_id)",
            "DROP INDEX practices_searchdocument_published",
        )
    ]
