"""
CSV cells a spreadsheet never runs as a formula (CSV injection): text starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return is prefixed with ``'``, which spreadsheets show as text. Every CSV the registry
writes goes through it: names and rationales come from sources and partners, and anyone may have written them.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` as a CSV cell that is never a formula; anything but text unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_cell(value) for value in values]
