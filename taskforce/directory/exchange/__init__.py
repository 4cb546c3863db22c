"""The directory's data exchange: Open Referral HSDS 3.0 (export and import) and spreadsheet (CSV) imports.

Kept apart from the directory's search and editor: the exchange reads and writes whole batches, has its own
tables (`models`), pages (`views`, under /directory/exchange/) and commands (`cli`: export-hsds, import-hsds),
and the rest of the directory never imports it. `register(app)` is the one place they join the app, called by
the app factory; importing a module of this package registers nothing.

- `hsds` PURE: directory rows → HSDS objects, the schema check; `hsds_schema/` the compiled schemas.
- `hsds_read`, `hsds_records` PURE: uploaded files → a checked `Batch` (records, problems, notes).
- `hsds_exchange`: export, and import in one transaction; `hsds_write` writes a checked batch step by step.
- `apply`: upserts of organizations, sites and services from records, and the ownership refusals.
- `csv_import` PURE and `csv_jobs`: spreadsheet parsing, and the preview → confirm → background job.
"""


def register(app) -> None:
    """The exchange's tables, its blueprint and its commands on the `directory` CLI group."""
    # Declaring a model is how SQLAlchemy registers its table: named here, so create_all and Alembic's
    # comparison see the exchange's tables whether or not a page or a job has imported them yet.
    from taskforce.directory.exchange import models  # noqa: F401
    from taskforce.directory.exchange import cli, views
    app.register_blueprint(views.bp)
    cli.register(app)
