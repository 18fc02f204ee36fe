"""The search index's state token (models.SearchIndexState), and prefix indexes on FTS5.

On SQLite the FTS5 table is rebuilt with prefix indexes for two- and three-letter
prefixes: search matches every word as a prefix ("reg" finds "regularisation"), and
without them a short prefix reads the doclist of every word it starts: 29 ms for "reg"
at 100,000 practices, 98 ms for "re"; with them 5 and 6 ms (docs/benchmarks.md).

On PostgreSQL a second, small tsvector of the title alone, with its own GIN index: search
ranks the practices whose title holds every word first, and finding and ranking those
through the weighted full vector means reading every matching document's whole vector out
of TOAST storage (660 ms for "access" at 100,000 practices).
"""

import uuid

from django.db import migrations, models

FTS_COLUMNS = (
    "title, body, content='practices_searchdocument', content_rowid='practice_id', "
    "tokenize=\"unicode61 remove_diacritics 2\""
)


def fts_with(options: str):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        schema_editor.execute("DROP TABLE practices_fts")
        schema_editor.execute(f"CREATE VIRTUAL TABLE practices_fts USING fts5({options})")
        schema_editor.execute("INSERT INTO practices_fts(practices_fts) VALUES ('rebuild')")

    return apply


TITLE_VECTOR = [
    "ALTER TABLE practices_searchdocument ADD COLUMN title_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', title)) STORED",
    "CREATE INDEX practices_searchdocument_title_vector "
    "ON practices_searchdocument USING GIN (title_vector)",
]
NO_TITLE_VECTOR = [
    "DROP INDEX IF EXISTS practices_searchdocument_title_vector",
    "ALTER TABLE practices_searchdocument DROP COLUMN IF EXISTS title_vector",
]


def on_postgresql(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


def first_token(apps, schema_editor):
    apps.get_model("practices", "SearchIndexState").objects.create(id=1, token=uuid.uuid4().hex)


class Migration(migrations.Migration):
    dependencies = [("practices", "0004_searchdocument_published_index")]

    operations = [
        migrations.CreateModel(
            name="SearchIndexState",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=32)),
            ],
        ),
        migrations.RunPython(first_token, migrations.RunPython.noop),
        migrations.RunPython(fts_with(FTS_COLUMNS + ", prefix='2 3'"), fts_with(FTS_COLUMNS)),
        migrations.RunPython(on_postgresql(TITLE_VECTOR), on_postgresql(NO_TITLE_VECTOR)),
    ]
