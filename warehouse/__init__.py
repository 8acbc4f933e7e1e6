"""Stage 3: the DuckDB warehouse: migrations, loading, and the SPEC §3 views."""

from warehouse.migrate import apply_migrations
from warehouse.publish import RunInProgress, check_location, real_path, working_copy
from warehouse.store import Warehouse, verify

__all__ = [
    "RunInProgress",
    "Warehouse",
    "apply_migrations",
    "check_location",
    "real_path",
    "verify",
    "working_copy",
]
