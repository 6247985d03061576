"""Who may do what in the yearly assessment. Stage checks (when) live in the services; these say
who. Objects are items, participations or evidence: anything with a `landlord_id`."""

from __future__ import annotations

from typing import Any

import rules

from residentvoice.accounts.models import COUNCIL_ROLES, Role
from residentvoice.accounts.rules import (
    is_admin_of_landlord,
    is_council_admin,
    is_council_staff,
    is_landlord_staff,
    is_resident_of_landlord,
    is_staff_of_landlord,
)
from residentvoice.accounts.selectors import membership_of

from .models import ModerationPanelMember, Stage


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


# The moderation panel. A member is council staff or a verified resident; a resident never judges
# their own landlord. The panel reads a cycle's commitments only while the cycle is in
# moderation, so for the panel "when" is part of "who may see".


def _cycle(target: Any) -> Any:
    """The cycle of a cycle, participation or item."""
    participation = getattr(target, "participation", None)
    if participation is not None:
        return participation.cycle
    return getattr(target, "cycle", target)


def panel_place(user: Any, cycle: Any) -> ModerationPanelMember | None:
    """The person's place on a cycle's moderation panel, if they hold one now (one query per
    person and cycle in a request, cached on the user)."""
    if cycle is None or not user.is_authenticated:
        return None
    places: dict[int, ModerationPanelMember | None] = user.__dict__.setdefault("_rv_panel", {})
    if cycle.pk not in places:
        places[cycle.pk] = ModerationPanelMember.objects.filter(
            cycle_id=cycle.pk, person_id=user.pk, removed_at__isnull=True
        ).first()
    return places[cycle.pk]


def may_sit_on_panel(user: Any) -> bool:
    """Council staff and verified residents may sit on a moderation panel; landlord staff never.
    Asked afresh each time, so a resident who is no longer verified loses their place's access."""
    membership = membership_of(user)
    return membership is not None and (
        membership.role in COUNCIL_ROLES or membership.role == Role.RESIDENT
    )


def panel_conflict(user: Any, item: Any) -> str:
    """Why this person may not judge this landlord's commitment on the panel ("" if they may)."""
    if not may_sit_on_panel(user):
        return "Only council staff and verified residents sit on the moderation panel."
    membership = membership_of(user)
    if (
        membership is not None
        and membership.role == Role.RESIDENT
        and membership.landlord_id == item.landlord_id
    ):
        return "Residents on the panel do not judge their own landlord's commitments."
    return ""


def _in_moderation(cycle: Any) -> bool:
    from .services import cycle_stage

    stage = getattr(cycle, "stage", None) or cycle_stage(cycle)
    return bool(stage == Stage.MODERATION)


@rules.predicate
def is_panel_member(user: Any, target: Any) -> bool:
    """On the moderation panel of the cycle `target` is, or belongs to (in any stage)."""
    return panel_place(user, _cycle(target)) is not None and may_sit_on_panel(user)


@rules.predicate
def is_panel_reader(user: Any, item: Any) -> bool:
    """May read this item's moderation papers: on its cycle's panel, without a conflict, while
    the cycle is in moderation."""
    cycle = _cycle(item)
    return (
        panel_place(user, cycle) is not None
        and not panel_conflict(user, item)
        and _in_moderation(cycle)
    )


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
rules.add_perm("assessment.manage_panel", is_council_admin)
rules.add_perm("assessment.view_panel_papers", is_panel_member)
rules.add_perm("assessment.view_panel_item", is_panel_reader)
# A landlord's assigned reviewer already gave the council's rating, shown beside the panel's
# views: a panel view from them would count the same judgement twice.
rules.add_perm("assessment.give_panel_view", is_panel_reader & ~is_assigned_reviewer)
rules.add_perm(
    "assessment.view_evidence_file",
    is_council_staff | is_staff_of_landlord | is_resident_of_landlord | is_panel_reader,
)
