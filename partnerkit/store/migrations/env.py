"""Alembic environment for partnerkit's store: always run programmatically by
partnerkit.store.engine.migrate(), which passes an open connection (inside its transaction)."""

from alembic import context

from partnerkit.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when someone runs the alembic CLI by hand
    raise SystemExit(
        "partnerkit migrations run automatically when the store opens: "
        "python -c 'from partnerkit.store import open_store; open_store()'"
    )

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
)
with context.begin_transaction():
    context.run_migrations()
