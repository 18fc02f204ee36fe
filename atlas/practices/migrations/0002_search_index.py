"""The engine-specific half of practice search (see atlas/practices/search.py).

SQLite: an FTS5 table over practices_searchdocument, kept in step by triggers.
PostgreSQL: a stored, weighted tsvector column with a GIN index.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE practices_fts USING fts5(
        title, body,
        content='practices_searchdocument', content_rowid='practice_id',
        tokenize="unicode61 remove_diacritics 2"
    )
    """,
    """
    CREATE TRIGGER practices_fts_insert AFTER INSERT ON practices_searchdocument BEGIN
        INSERT INTO practices_fts(rowid, title, body)
        VALUES (new.practice_id, new.title, new.body);
    END
    """,
    """
    CREATE TRIGGER practices_fts_delete AFTER DELETE ON practices_searchdocument BEGIN
        INSERT INTO practices_fts(practices_fts, rowid, title, body)
        VALUES ('delete', old.practice_id, old.title, old.body);
    END
    """,
    """
    CREATE TRIGGER practices_fts_update AFTER UPDATE ON practices_searchdocument BEGIN
        INSERT INTO practices_fts(practices_fts, rowid, title, body)
        VALUES ('delete', old.practice_id, old.title, old.body);
        INSERT INTO practices_fts(rowid, title, body)
        VALUES (new.practice_id, new.title, new.body);
    END
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS practices_fts_update",
    "DROP TRIGGER IF EXISTS practices_fts_delete",
    "DROP TRIGGER IF EXISTS practices_fts_insert",
    "DROP TABLE IF EXISTS practices_fts",
]
POSTGRES_FORWARD = [
    """
    ALTER TABLE practices_searchdocument ADD COLUMN vector tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', title), 'A') ||
        setweight(to_tsvector('simple', body), 'B')
    ) STORED
    """,
    "CREATE INDEX practices_searchdocument_vector ON practices_searchdocument USING GIN (vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS practices_searchdocument_vector",
    "ALTER TABLE practices_searchdocument DROP COLUMN IF EXISTS vector",
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
