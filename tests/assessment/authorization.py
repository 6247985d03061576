"""The assessment pages in the site-wide authorization matrix.

Each part of the assessment keeps its own list in a module named `authz_<part>.py` beside this
one; they are gathered here so the site-wide test sees them all.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Any

MATRIX: dict[str, tuple[Any, str, dict[str, Any]]] = {}

for _module in pkgutil.iter_modules([str(Path(__file__).parent)]):
    if _module.name.startswith("authz_"):
        MATRIX.update(importlib.import_module(f"{__package__}.{_module.name}").MATRIX)
