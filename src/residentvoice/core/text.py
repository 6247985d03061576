"""What the site accepts as text, wherever text comes in: forms, query strings, imports, services.

One-line text (a title, a name, a search) holds no line breaks, tabs or other control characters.
Multi-line text may hold line breaks and tabs, no other control character, and at most
`TEXT_LIMIT` characters, so that it always fits whole in a spreadsheet cell when exported (a cell
holds `SPREADSHEET_CELL_LIMIT`). docs/SECURITY.md ("Text limits") says the same for people.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.core.exceptions import ValidationError

# About 3,000 words: ten pages of a report. Well under a spreadsheet cell, so nothing written on
# the site is cut when exported. Characters are counted as sent, a line break (CR LF) as two.
TEXT_LIMIT = 20_000
# The most characters Excel (and the XLSX format) keeps in one cell; longer text is cut to this.
SPREADSHEET_CELL_LIMIT = 32_767

# Unicode's control characters (category Cc): C0, DEL and C1.
_ONE_LINE_REFUSED = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_MULTI_LINE_REFUSED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character(text: str, *, multiline: bool = False) -> str | None:
    """The first character `text` may not hold (a control character), or None."""
    found = (_MULTI_LINE_REFUSED if multiline else _ONE_LINE_REFUSED).search(text)
    return found.group() if found else None


def text_refusal(text: str, *, label: str, multiline: bool = False) -> str | None:
    """Why `text` cannot be saved, in words for the person who typed it; None when it can."""
    refused = control_character(text, multiline=multiline)
    if refused in ("\r", "\n"):
        return f"{label} must be on one line: remove the line break"
    if refused == "\t":
        return f"{label} must not contain a tab: use a space instead"
    if refused is not None:
        return (
            f"{label} contains a hidden control character (U+{ord(refused):04X}) that cannot be "
            "saved: remove it, or type the text again"
        )
    if multiline and len(text) > TEXT_LIMIT:
        return f"{label} must be {TEXT_LIMIT:,} characters or fewer: it has {len(text):,}"
    return None


def require_acceptable_text(
    texts: Mapping[str, tuple[str, str]], *, multiline: bool = True
) -> None:
    """For services: refuse text another way in (a spreadsheet, the command line) would give,
    by the same rules as the forms. `texts` maps a field name to its label and value."""
    problems = {
        name: refusal
        for name, (label, value) in texts.items()
        if (refusal := text_refusal(value, label=label, multiline=multiline))
    }
    if problems:
        raise ValidationError(problems)
