"""The hooks registry: what a lower app asks, in the order the higher apps gave."""

from __future__ import annotations

from residentvoice.core.hooks import Registry


def test_providers_come_in_order_of_position_and_the_same_key_replaces():
    registry: Registry[str] = Registry("contributions")
    registry.register("votes", "votes-v1", position=30)
    registry.register("answers", "answers", position=10)
    registry.register("votes", "votes-v2", position=30)  # ready() ran again
    assert registry.providers() == ["answers", "votes-v2"]
    assert registry.get("votes") == "votes-v2"
    assert len(registry) == 2
    registry.unregister("answers")
    assert [key for key, _ in registry.items()] == ["votes"]
