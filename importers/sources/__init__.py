"""Source modules, one per public list. Importing this package registers them all."""

from importers.sources import au_dfat, un_sc  # noqa: F401
