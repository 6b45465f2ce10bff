"""Source modules, one per public list. Importing this package registers them all."""

from importers.sources import ca_sema, uk_ofsi, un_sc  # noqa: F401
