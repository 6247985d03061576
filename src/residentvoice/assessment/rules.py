"""Who may do what in the yearly assessment. Stage checks (when) live in the services; these say
who. Objects are items, participations or evidence: anything with a `landlord_id`."""

from __future__ import annotations

from typing import Any

import rules

from residentvoice.accounts.rules import (
    is_admin_of_landlord,
    is_council_admin,
    is_council_staff,
    is_landlord_staff,
    is_resident_of_landlord,
    is_staff_of_landlord,
)


def _participation(target: Any) -> Any:
    return getattr(target, "participation", target)


@rules.predicate
def is_assigned_reviewer(user: Any, target: Any) -> bool:
    participation = _participation(target)
    return (
        user.is_authenticated
        and participation is not None
        and getattr(participation, "reviewer_id", None) == user.pk
    )


can_review = is_council_admin | (is_council_staff & is_assigned_reviewer)

rules.add_perm("assessment.manage_cycle", is_council_admin)
rules.add_perm("assessment.view_dashboard", is_council_staff)
rules.add_perm("assessment.view_cycles", is_council_staff | is_landlord_staff)
rules.add_perm("assessment.view_cycle", is_council_staff | is_staff_of_landlord)
rules.add_perm("assessment.view_item", is_council_staff | is_staff_of_landlord)
rules.add_perm("assessment.view_private_notes", is_council_staff)
rules.add_perm("assessment.self_assess", is_staff_of_landlord)
rules.add_perm("assessment.sign_off", is_admin_of_landlord)
rules.add_perm("assessment.review", can_review)
rules.add_perm("assessment.reply", is_staff_of_landlord)
rules.add_perm("assessment.moderate", is_council_admin)
rules.add_perm("assessment.reopen_item", is_council_admin)
rules.add_perm("assessment.reality_check", is_resident_of_landlord)
rules.add_perm("assessment.moderate_comments", is_council_staff)
rules.add_perm("assessment.record_session", is_council_staff)
rules.add_perm("assessment.export_cycle", is_council_staff)
rules.add_perm(
    "assessment.view_evidence_file",
    is_council_staff | is_staff_of_landlord | is_resident_of_landlord,
)
