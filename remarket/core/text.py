"""Text one person types and another reads: one check for what it may contain, one guard for spreadsheets.

`text_check` refuses control characters (NUL, escape sequences, backspaces...) and the bidirectional overrides
that make a shown text read differently from what is stored; a single-line field (a carrier, a tracking
number) refuses line breaks and tabs too. `csv_cell` keeps a text cell of an export from being read as a
formula by a spreadsheet."""

import re
from decimal import Decimal

from django.utils.translation import gettext as _

from .errors import DomainError

# C0 controls but tab, line feed and carriage return; DEL and the C1 controls; the bidirectional embeddings,
# overrides and isolates (U+202A-U+202E, U+2066-U+2069); the line and paragraph separators.
_ALWAYS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029"
_MULTILINE = re.compile(f"[{_ALWAYS}]")
_SINGLE_LINE = re.compile(f"[{_ALWAYS}\t\n\r]")


def text_check(value: str, *, code: str, field: str, multiline: bool = False) -> str:
    """`value` unchanged if it holds no forbidden character; otherwise DomainError(code) naming the field and
    the first offending character's position (so a client can find an invisible character)."""
    found = (_MULTILINE if multiline else _SINGLE_LINE).search(value)
    if found is None:
        return value
    raise DomainError(
        code,
        _("The %(field)s contains a control character (U+%(character)s at position %(position)s).")
        % {"field": field.replace("_", " "), "character": f"{ord(found.group()):04X}", "position": found.start()},
        {"field": field, "position": found.start(), "character": f"U+{ord(found.group()):04X}"},
    )


# What a spreadsheet reads as the start of a formula (or, for tab and carriage return, as a cell break that
# can make the next character start one).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A value as an export writes it: numbers stay numbers (a -12.50 amount must still sum in a spreadsheet),
    text that a spreadsheet would evaluate is prefixed with an apostrophe, which spreadsheets show as text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    if value is None or isinstance(value, (str, int, float, Decimal)):
        return value
    return csv_cell(str(value))
