"""A resident leaves: their contributions stay, with nothing left that names them.

What was published (answers, proposed topics, votes, reality checks, panel work) stays and
counts, with the link to the account removed, in the change history too; personal requests
(formats, follows, notifications) are deleted; the account is deleted, or if another part of the
site must keep the row, emptied and closed.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from residentvoice.accounts.models import (
    COUNCIL_ROLES,
    LANDLORD_STAFF_ROLES,
    Membership,
    ResidentRegistration,
)
from residentvoice.assessment.models import RealityCheck
from residentvoice.notifications.services import notifications_forget

from ..models import (
    ConsultationFollower,
    ContentReport,
    DataRequest,
    FormatRequest,
    PanelDocument,
    PanelMember,
    RecommendationStatusChange,
    Response,
    ReviewStageChange,
    TopicProposal,
    TopicRound,
    TopicVote,
)

# What a resident's own work is recorded against: (model, field naming them). The live rows are
# cleared here (not left to the deletion, which does not happen when the account must be kept
# closed), and so are the same fields in their change history, which the deletion never clears.
RESIDENT_LINKS: list[tuple[Any, str]] = [
    (PanelMember, "user"),
    (PanelDocument, "uploaded_by"),
    (DataRequest, "asked_by"),
    (TopicRound, "decided_by"),
    (ReviewStageChange, "changed_by"),
    (RecommendationStatusChange, "changed_by"),
    (RealityCheck, "resident"),
]


def _links_forget(user: Any) -> None:
    for model, field in RESIDENT_LINKS:
        model.objects.filter(**{field: user}).update(**{field: None})
        history = getattr(model, "history", None)
        if history is not None:
            history.model.objects.filter(**{f"{field}_id": user.pk}).update(**{f"{field}_id": None})


@transaction.atomic
def account_forget(*, user: Any) -> str:
    """Anonymise a person's contributions and delete their account. Returns "deleted" or
    "closed" (when something elsewhere on the site keeps the account row)."""
    membership = Membership.objects.filter(user=user).first()
    if membership is not None and membership.role in COUNCIL_ROLES | LANDLORD_STAFF_ROLES:
        raise ValidationError(
            "Staff accounts are closed by an administrator, so that your work stays accountable."
        )
    Response.objects.filter(respondent=user, submitted_at__isnull=True).delete()
    Response.objects.filter(respondent=user).update(respondent=None)
    TopicProposal.objects.filter(proposed_by=user).update(proposed_by=None)
    TopicVote.objects.filter(voter=user).update(voter=None)
    PanelMember.objects.filter(user=user, left_on__isnull=True).update(left_on=timezone.localdate())
    _links_forget(user)
    ContentReport.objects.filter(reporter=user).update(reporter=None)
    FormatRequest.objects.filter(requested_by=user).delete()
    ConsultationFollower.objects.filter(user=user).delete()
    notifications_forget(user=user)
    # Deleted here rather than by the cascade: their history rows name who made the change (this
    # person, during the request), and only rows that exist before the account is deleted have
    # that link cleared by the deletion.
    Membership.objects.filter(user=user).delete()
    ResidentRegistration.objects.filter(user=user).delete()
    try:
        with transaction.atomic():
            user.delete()
        return "deleted"
    except (ProtectedError, IntegrityError):
        Membership.objects.filter(user=user).delete()
        user.email = f"deleted-{user.pk}@deleted.invalid"
        user.full_name = "Deleted account"
        user.is_active = False
        user.set_unusable_password()
        user.save()
        return "closed"
