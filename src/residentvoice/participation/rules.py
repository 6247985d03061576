"""Who may do what in resident participation. Role predicates come from accounts.rules; these
add the questions only participation asks: is this person in the consultation's audience, on
this panel, or its chair or vice-chair?

`review_moves_for` says which stages a person may move a review to: the panel any allowed move,
the landlord's staff only "actions" once the report is with them."""

from __future__ import annotations

from typing import Any

import rules

from residentvoice.accounts.rules import (
    is_council_staff,
    is_landlord_staff,
    is_resident_of_landlord,
    is_staff_of_landlord,
)

from .models import REVIEW_TRANSITIONS, PanelRole, ReviewStage
from .selectors.consultations import audience_includes
from .selectors.people import is_staff_for
from .selectors.scrutiny import panel_member_of, panels_of_user


def _panel_id(target: Any) -> int | None:
    """A panel, or anything that belongs to one (directly or through its review)."""
    if target is None:
        return None
    for attribute in ("panel_id",):
        if hasattr(target, attribute):
            return getattr(target, attribute)
    if hasattr(target, "review"):
        return target.review.panel_id
    if hasattr(target, "round"):
        return target.round.panel_id
    return getattr(target, "pk", None)


@rules.predicate
def is_consultation_staff(user: Any, consultation: Any) -> bool:
    """Staff of the landlord running it, or council staff for the council's own."""
    return consultation is not None and is_staff_for(user, consultation.landlord_id)


@rules.predicate
def is_published(user: Any, consultation: Any) -> bool:
    return consultation is not None and consultation.published_at is not None


@rules.predicate
def in_audience(user: Any, consultation: Any) -> bool:
    return consultation is not None and audience_includes(consultation, user)


@rules.predicate
def has_published_results(user: Any, consultation: Any) -> bool:
    return consultation is not None and consultation.results_published_at is not None


@rules.predicate
def is_panel_member(user: Any, target: Any) -> bool:
    panel_id = _panel_id(target)
    return panel_id is not None and panel_member_of(panel_id, user) is not None


@rules.predicate
def is_panel_officer(user: Any, target: Any) -> bool:
    """The panel's chair or vice-chair."""
    panel_id = _panel_id(target)
    member = panel_member_of(panel_id, user) if panel_id is not None else None
    return member is not None and member.role in (PanelRole.CHAIR, PanelRole.VICE_CHAIR)


@rules.predicate
def is_waiting_for_answers(user: Any, review: Any) -> bool:
    """A review whose report is with the landlord (its stage is "landlord answering")."""
    return getattr(review, "stage", None) == ReviewStage.ANSWERING


@rules.predicate
def sits_on_a_panel(user: Any) -> bool:
    return bool(user and user.is_authenticated and panels_of_user(user).exists())


@rules.predicate
def moderates(user: Any, report: Any) -> bool:
    """Staff of the landlord whose content it is; council staff for everything."""
    return report is not None and (is_council_staff(user) or is_staff_for(user, report.landlord_id))


# Consultations
rules.add_perm("participation.manage_consultations", is_landlord_staff | is_council_staff)
rules.add_perm("participation.change_consultation", is_consultation_staff)
rules.add_perm("participation.view_consultation", is_published | is_consultation_staff)
rules.add_perm("participation.answer_consultation", is_published & in_audience)
rules.add_perm(
    "participation.view_results",
    has_published_results | is_consultation_staff | is_council_staff,
)

# Scrutiny. The panel decides: what to review (the chair or vice-chair choose the topic), the
# review's scope, findings and report, and when it moves on. The landlord's staff set the panel
# up, support it (meetings, papers, asking residents for topics) and answer it; they move a
# review on only from "landlord answering" to "actions", once their answers are all in.
rules.add_perm("participation.manage_panels", is_landlord_staff)
rules.add_perm("participation.change_panel", is_staff_of_landlord)
rules.add_perm("participation.view_panel_private", is_panel_member | is_staff_of_landlord)
rules.add_perm("participation.support_panel", is_panel_member | is_staff_of_landlord)
rules.add_perm("participation.run_panel", is_panel_member)
rules.add_perm(
    "participation.move_review",
    is_panel_member | (is_staff_of_landlord & is_waiting_for_answers),
)
rules.add_perm("participation.write_recommendations", is_panel_member)
rules.add_perm("participation.answer_recommendations", is_staff_of_landlord)
rules.add_perm("participation.challenge_recommendation", is_panel_member)
rules.add_perm("participation.open_round", is_panel_officer | is_staff_of_landlord)
rules.add_perm(
    "participation.view_round",
    is_resident_of_landlord | is_staff_of_landlord | is_council_staff,
)
rules.add_perm("participation.take_part_in_round", is_resident_of_landlord)
rules.add_perm("participation.decide_round", is_panel_officer)
rules.add_perm("participation.view_overdue", is_landlord_staff | is_council_staff | sits_on_a_panel)

# Moderation
rules.add_perm("participation.moderate", is_landlord_staff | is_council_staff)
rules.add_perm("participation.resolve_report", moderates)


def review_moves_for(user: Any, review: Any) -> list[str]:
    """The stages this person may move the review to (an empty list: none)."""
    allowed = sorted(REVIEW_TRANSITIONS.get(review.stage, frozenset()))
    if user.has_perm("participation.run_panel", review):
        return allowed
    if user.has_perm("participation.move_review", review):
        return [stage for stage in allowed if stage == ReviewStage.ACTIONS]
    return []
