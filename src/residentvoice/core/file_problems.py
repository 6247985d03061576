"""Problems found in an uploaded file, each pinned to where a person can find it, and the error
that carries them. Every import reads all or nothing and reports every problem at once."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    sheet: str  # "" for the whole file
    row: int | None  # as spreadsheets number rows, from 1
    column: str | None  # as spreadsheets letter columns; empty for a whole row or sheet
    reason: str

    def __str__(self) -> str:
        where = [f"sheet “{self.sheet}”"] if self.sheet else ["the file"]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.reason}"


class FileProblemsError(Exception):
    """The file cannot be used; nothing was changed. `problems` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems[:50]))
