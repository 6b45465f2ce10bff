"""The database set-up the benchmark scripts share. Imported as `benchdb` (scripts run from bench/)."""

import sys


def recreate_database(url: str, *, must_contain: str, allow_drop: bool) -> None:
    """
    DROP and CREATE the database at ``url``, connecting to the server's maintenance database. Refuses a
    database whose name lacks ``must_contain`` unless ``allow_drop``: a benchmark must never drop real data.
    """
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        sys.exit(f"--database-url must be a postgres:// URL, got {url!r}")
    name = config["NAME"]
    if must_contain not in name and not allow_drop:
        sys.exit(f"Refusing to drop database {name!r}: its name does not contain {must_contain!r}. "
                 "Use a dedicated database, or pass --allow-drop if you really mean it.")
    connect = {"host": config["HOST"] or None, "port": config["PORT"] or None, "user": config["USER"] or None,
               "password": config["PASSWORD"] or None, "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**{key: value for key, value in connect.items() if value is not None}) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
