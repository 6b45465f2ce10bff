"""Source modules, one per public list. Importing this package registers them all."""

from importers.sources import (
    ofac_sdn,  # noqa: F401
    un_sc,  # noqa: F401
)
