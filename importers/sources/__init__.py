"""Source modules, one per public list. Importing this package registers them all."""

from importers.sources import au_dfat, ca_sema, ofac_sdn, uk_ofsi, un_sc  # noqa: F401
