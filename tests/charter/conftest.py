"""Charter test fixtures: the shipped default charter, and small charter files made to order."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from residentvoice.charter.models import Charter
from residentvoice.charter.services import DEFAULT_CHARTER_PATH, charter_load

BUNDLED_CODES = ["SHWP-5", "TIA-3", "TIA-5", "TWT-4"]


def charter_document(
    *,
    slug: str = "test-charter",
    version: int = 1,
    commitments: int = 3,
    default_text: bool = False,
    extra_items: int = 0,
    title_prefix: str = "Commitment",
) -> dict[str, object]:
    """A valid charter file's content. With `extra_items`, the file adds its own framework of that
    many standards and maps every commitment to all of them."""
    own_codes = [f"OWN-{n}" for n in range(1, extra_items + 1)]
    document: dict[str, object] = {
        "charter": {
            "name": f"Test charter {slug}",
            "slug": slug,
            "area": "Testshire",
            "approved_on": datetime.date(2021, 11, 23),
            "version": version,
            "default_text": default_text,
            "introduction": "First paragraph.\n\nSecond paragraph.",
        },
        "rating_scale": {
            "name": "Test scale",
            "allows_not_applicable": True,
            "options": [
                {"code": "not_met", "label": "Not met", "points": 0},
                {"code": "met", "label": "Met", "points": 2, "meets_commitment": True},
            ],
        },
        "commitments": [
            {
                "number": n,
                "title": f"{title_prefix} {n}",
                "text": f"The text of commitment {n}.",
                "commits": ["council", "landlords"] if n % 2 else ["landlords"],
                "standards": BUNDLED_CODES[: 1 + n % len(BUNDLED_CODES)] + own_codes,
                "criteria": [f"Criterion {n}.{c}" for c in range(1, 3)],
            }
            for n in range(1, commitments + 1)
        ],
    }
    if extra_items:
        document["standards"] = [
            {
                "code": "own-framework",
                "name": "The council's own standards",
                "publisher": "Testshire Council",
                "items": [{"code": code, "title": f"Own standard {code}"} for code in own_codes],
            }
        ]
    return document


@pytest.fixture
def write_charter(tmp_path: Path) -> Callable[..., Path]:
    """Write a charter file into the test's folder: the text given, or a `charter_document`."""

    def write(text: str | None = None, *, name: str = "charter.yaml", **options: object) -> Path:
        path = tmp_path / name
        if text is None:
            text = yaml.safe_dump(charter_document(**options), sort_keys=False)  # type: ignore[arg-type]
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def default_charter(db) -> Charter:
    return charter_load(path=DEFAULT_CHARTER_PATH).charter
