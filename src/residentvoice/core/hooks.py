"""Hooks through which a lower app asks a higher one, so that apps import one way only.

A lower app declares a `Registry` for what it needs (a person's contributions, evidence a landlord
can cite, figures for a year). A higher app registers its provider in its `AppConfig.ready()`; the
lower app calls `providers()` and never imports the higher app.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

P = TypeVar("P")


@dataclass
class Registry(Generic[P]):
    """Providers of one kind, each under a key, in the order of their position."""

    name: str
    _providers: dict[str, tuple[int, P]] = field(default_factory=dict)

    def register(self, key: str, provider: P, *, position: int = 100) -> None:
        # The same key replaces: `ready()` may run more than once (tests, reloads).
        self._providers[key] = (position, provider)

    def unregister(self, key: str) -> None:
        self._providers.pop(key, None)

    def providers(self) -> list[P]:
        ordered = sorted(self._providers.items(), key=lambda item: (item[1][0], item[0]))
        return [provider for _, (_, provider) in ordered]

    def items(self) -> Iterator[tuple[str, P]]:
        for key, (_, provider) in sorted(
            self._providers.items(), key=lambda item: (item[1][0], item[0])
        ):
            yield key, provider

    def get(self, key: str) -> P | None:
        found = self._providers.get(key)
        return found[1] if found else None

    def __len__(self) -> int:
        return len(self._providers)
