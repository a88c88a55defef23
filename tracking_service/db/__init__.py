"""PostgreSQL access: the pool, the embedded server, migrations, and SQL per aggregate."""

from tracking_service.db.core import create_pool, resolve_dsn
from tracking_service.db.migrate import migrate

__all__ = ["create_pool", "migrate", "resolve_dsn"]
