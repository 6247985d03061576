"""Who may read and write the best-practice library.

Council staff see, change and approve every practice. Landlord staff record practices for their
own landlord, change the ones their landlord recorded, and read the practices the council has
approved, their own landlord's and any that name their landlord among those doing it.
"""

from __future__ import annotations

from typing import Any

import rules

from residentvoice.accounts.rules import (
    is_council_staff,
    is_landlord_staff,
    is_staff_of_landlord,
)
from residentvoice.accounts.selectors import membership_of


@rules.predicate
def is_approved(user: Any, practice: Any) -> bool:
    return bool(getattr(practice, "is_public", False))


@rules.predicate
def names_users_landlord(user: Any, practice: Any) -> bool:
    """The practice lists the person's landlord among the landlords doing it."""
    membership = membership_of(user)
    if membership is None or membership.landlord_id is None or practice is None:
        return False
    return any(landlord.pk == membership.landlord_id for landlord in practice.landlords.all())


rules.add_perm("practices.view_library", is_council_staff | is_landlord_staff)
rules.add_perm("practices.add_practice", is_council_staff | is_landlord_staff)
rules.add_perm(
    "practices.view_practice",
    is_council_staff
    | (is_landlord_staff & (is_approved | is_staff_of_landlord | names_users_landlord)),
)
rules.add_perm("practices.change_practice", is_council_staff | is_staff_of_landlord)
rules.add_perm("practices.approve_practice", is_council_staff)
rules.add_perm("practices.view_coverage", is_council_staff)
