"""Every write in the yearly assessment. Each service checks the stage (when), validates, and writes
in one transaction; who may call it is decided by the rules in `rules.py` before it is called.

Edits to an item carry the version the editor started from: a save made from an older copy is
refused with `StaleItemError`, which holds the newer version to show, so nothing is overwritten.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from residentvoice.charter.models import Charter, RatingOption
from residentvoice.core.files.uploads import DOCUMENTS, upload_check
from residentvoice.core.formats import long_date
from residentvoice.core.text import require_acceptable_text
from residentvoice.organisations.models import Landlord

from .models import (
    ALLOWED_MOVES,
    REALITY_CHECK_STAGES,
    STAGE_ORDER,
    ActionStatus,
    AssessmentCycle,
    AssessmentItem,
    CommentStatus,
    CriterionRating,
    Evidence,
    EvidenceKind,
    EvidenceRequest,
    ImprovementAction,
    ModerationPanelMember,
    ModerationPanelView,
    Participation,
    RealityAnswer,
    RealityCheck,
    RealityCheckSession,
    ReplyPosition,
    Stage,
    StageDates,
    StageMove,
    reporting_year_bounds,
)


class StageError(ValidationError):
    """An edit outside the stage that allows it."""


class StaleItemError(ValidationError):
    """Someone else saved the item since the editor loaded it."""

    def __init__(self, current: AssessmentItem) -> None:
        super().__init__(
            "Someone else changed this commitment while you were editing it. Their version is "
            "shown below; your changes were not saved. Check theirs, then make your changes again.",
            code="stale",
        )
        self.current = current


# ---------------------------------------------------------------------------------------------
# Stage helpers


def cycle_stage(cycle: AssessmentCycle) -> str:
    """The current stage: the latest move (services keep one per cycle from the start)."""
    latest = cycle.moves.order_by("-moved_at", "-pk").first()
    return latest.stage if latest else Stage.PREPARATION


def _stage_label(stage: str) -> str:
    return str(Stage(stage).label)


# Once a cycle is ready to publish its results are frozen: nothing changes, not even an item the
# council reopened earlier and nobody has saved since.
FROZEN_STAGES = (Stage.READY_TO_PUBLISH, Stage.PUBLISHED)


def stage_allows(item: AssessmentItem, *stages: str) -> bool:
    """Whether edits for `stages` are open on this item now (its cycle's stage, or a reopening).

    For showing forms: it trusts the stage the selectors already set on the cycle, so a page asks
    the database once; the write services check the stage afresh (`_require_stage`).
    """
    cycle = item.participation.cycle
    current = getattr(cycle, "stage", None) or cycle_stage(cycle)
    if current in FROZEN_STAGES:
        return False
    return current in stages or item.reopened_for in stages


def self_assessment_open(item: AssessmentItem) -> bool:
    if not stage_allows(item, Stage.SELF_ASSESSMENT):
        return False
    return not item.participation.submitted_at or item.reopened_for == Stage.SELF_ASSESSMENT


def _require_stage(item: AssessmentItem, *stages: str, action: str) -> None:
    """Refuse unless the cycle is in one of `stages`, or this item was reopened for one of them."""
    current = cycle_stage(item.participation.cycle)
    if current in FROZEN_STAGES:
        raise StageError(
            f"The results are frozen at “{_stage_label(current)}”: nothing can be changed.",
            code="frozen",
        )
    if current in stages or item.reopened_for in stages:
        return
    allowed = " or ".join(_stage_label(s).lower() for s in stages)
    raise StageError(
        f"You can {action} only during {allowed}. This cycle is at “{_stage_label(current)}”.",
        code="stage",
    )


def _lock(item: AssessmentItem, version: int | None) -> AssessmentItem:
    locked = (
        AssessmentItem.objects.select_for_update()
        .select_related("participation__cycle", "landlord", "commitment")
        .get(pk=item.pk)
    )
    if version is not None and locked.version != version:
        raise StaleItemError(locked)
    return locked


def _save(
    item: AssessmentItem,
    fields: list[str],
    *,
    stamps: dict[str, Any] | None = None,
    reopened_stage: str = "",
    changed_elsewhere: bool = False,
) -> bool:
    """Save a locked item's `fields` with `stamps` (who and when) and a new version, if anything
    differs from what is stored. A save that changes nothing stores nothing, so nobody else's
    copy goes stale and the item keeps who last changed it and when."""
    attnames = [AssessmentItem._meta.get_field(name).attname for name in fields]  # type: ignore[union-attr]
    stored = AssessmentItem.objects.filter(pk=item.pk).values(*attnames).get()
    reopened = bool(reopened_stage) and item.reopened_for == reopened_stage
    if not (changed_elsewhere or reopened) and all(
        stored[name] == getattr(item, name) for name in attnames
    ):
        return False
    for name, value in (stamps or {}).items():
        setattr(item, name, value)
    item.version += 1
    fields = [*fields, *(stamps or {}), "version", "updated_at"]
    if reopened:
        item.reopened_for = ""
        fields.append("reopened_for")
    item.save(update_fields=fields)
    return True


def _rating_for(item: AssessmentItem, rating: RatingOption | None) -> RatingOption | None:
    if rating is not None and rating.scale.charter_id != item.commitment.charter_id:
        raise ValidationError({"rating": "Choose a rating from this charter's scale."})
    return rating


# ---------------------------------------------------------------------------------------------
# Cycles


def cycle_open(
    *,
    reporting_year: str,
    landlords: Iterable[Landlord],
    by: Any = None,
    charter: Charter | None = None,
    stage_dates: dict[str, tuple[datetime.date | None, datetime.date | None]] | None = None,
    is_demo: bool = False,
) -> AssessmentCycle:
    """Open a reporting year's cycle against a charter: an item per landlord × commitment."""
    from residentvoice.charter.selectors import charter_current

    try:
        reporting_year_bounds(reporting_year)
    except ValueError as error:
        raise ValidationError({"reporting_year": str(error)}) from error
    if AssessmentCycle.objects.filter(reporting_year=reporting_year).exists():
        raise ValidationError({"reporting_year": f"There is already a cycle for {reporting_year}."})
    charter = charter or charter_current()
    if charter is None:
        raise ValidationError("Load a charter before opening a cycle.")
    with transaction.atomic():
        cycle = AssessmentCycle.objects.create(
            reporting_year=reporting_year, charter=charter, is_demo=is_demo
        )
        StageMove.objects.create(
            cycle=cycle, stage=Stage.PREPARATION, moved_by=by, moved_at=timezone.now()
        )
        cycle_stage_dates_set(cycle=cycle, stage_dates=stage_dates or {})
        for landlord in landlords:
            _participation_create(cycle=cycle, landlord=landlord)
    return cycle


def _participation_create(*, cycle: AssessmentCycle, landlord: Landlord) -> Participation:
    participation = Participation.objects.create(cycle=cycle, landlord=landlord)
    commitments = list(cycle.charter.commitments.filter(commits_landlords=True))
    items = bulk_create_with_history(
        [
            AssessmentItem(participation=participation, landlord=landlord, commitment=commitment)
            for commitment in commitments
        ],
        AssessmentItem,
    )
    criteria = {
        commitment.pk: list(commitment.criteria.all())
        for commitment in cycle.charter.commitments.prefetch_related("criteria")
    }
    bulk_create_with_history(
        [
            CriterionRating(item=item, criterion=criterion)
            for item in items
            for criterion in criteria.get(item.commitment_id, [])
        ],
        CriterionRating,
    )
    return participation


def cycle_landlord_add(*, cycle: AssessmentCycle, landlord: Landlord) -> Participation:
    """Add a landlord during a cycle, before the results are frozen."""
    stage = cycle_stage(cycle)
    if stage in (Stage.READY_TO_PUBLISH, Stage.PUBLISHED):
        raise StageError(
            f"The {cycle.reporting_year} results are frozen: a landlord can no longer join.",
            code="stage",
        )
    if cycle.participations.filter(landlord=landlord).exists():
        raise ValidationError({"landlord": f"{landlord} already takes part in this cycle."})
    with transaction.atomic():
        return _participation_create(cycle=cycle, landlord=landlord)


def cycle_stage_dates_set(
    *,
    cycle: AssessmentCycle,
    stage_dates: dict[str, tuple[datetime.date | None, datetime.date | None]],
) -> None:
    problems = {}
    for stage, (opens_on, closes_on) in stage_dates.items():
        if stage not in STAGE_ORDER:
            problems[stage] = f"“{stage}” is not a stage."
        elif opens_on and closes_on and closes_on < opens_on:
            problems[stage] = f"{_stage_label(stage)} cannot close before it opens."
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        for stage, (opens_on, closes_on) in stage_dates.items():
            row, created = StageDates.objects.get_or_create(
                cycle=cycle, stage=stage, defaults={"opens_on": opens_on, "closes_on": closes_on}
            )
            if not created and (row.opens_on, row.closes_on) != (opens_on, closes_on):
                row.opens_on, row.closes_on = opens_on, closes_on
                row.save()


def cycle_unmoderated(cycle: AssessmentCycle) -> list[str]:
    """What stops a cycle being ready to publish: every item needs a moderated result."""
    missing = []
    items = AssessmentItem.objects.filter(participation__cycle=cycle).select_related(
        "landlord", "commitment"
    )
    for item in items.order_by("landlord__name", "commitment__number"):
        if not item.is_moderated:
            missing.append(f"{item.landlord.name}: commitment {item.commitment.number}")
    return missing


def cycle_stage_move(
    *, cycle: AssessmentCycle, to_stage: str, by: Any = None, note: str = ""
) -> StageMove:
    """Move a cycle to the next stage (or back one, with a reason); every move is kept."""
    current = cycle_stage(cycle)
    if to_stage == Stage.PUBLISHED:
        raise StageError("Publish a cycle from the publication page, not by moving its stage.")
    if to_stage not in ALLOWED_MOVES.get(current, set()):
        raise StageError(
            f"A cycle at “{_stage_label(current)}” cannot move to “{_stage_label(to_stage)}”.",
            code="stage",
        )
    going_back = STAGE_ORDER.index(to_stage) < STAGE_ORDER.index(current)
    if going_back and not note.strip():
        raise ValidationError({"note": "Say why the cycle goes back a stage."})
    if to_stage == Stage.READY_TO_PUBLISH:
        missing = cycle_unmoderated(cycle)
        if missing:
            raise StageError(
                "These items have no moderated result yet: "
                + "; ".join(missing[:20])
                + (f"; and {len(missing) - 20} more" if len(missing) > 20 else ""),
                code="unmoderated",
            )
    with transaction.atomic():
        move = StageMove.objects.create(
            cycle=cycle, stage=to_stage, moved_by=by, moved_at=timezone.now(), note=note.strip()
        )
        transaction.on_commit(lambda: _announce_stage(cycle.pk, to_stage))
    return move


def _announce_stage(cycle_id: int, stage: str) -> None:
    """Tell the people who act in the new stage (the notifications module decides how)."""
    from . import notifications

    notifications.stage_opened(cycle_id=cycle_id, stage=stage)


def participation_reviewer_assign(*, participation: Participation, reviewer: Any) -> None:
    from residentvoice.accounts.rules import is_council_staff

    if reviewer is not None and not is_council_staff(reviewer):
        raise ValidationError({"reviewer": "Reviewers must be council staff."})
    participation.reviewer = reviewer
    participation.save(update_fields=["reviewer", "updated_at"])


# ---------------------------------------------------------------------------------------------
# Self-assessment


def _require_not_submitted(item: AssessmentItem) -> None:
    if item.participation.submitted_at and item.reopened_for != Stage.SELF_ASSESSMENT:
        raise StageError(
            "This self-assessment has been signed off and submitted. Ask the council to reopen "
            "the commitment if it needs to change.",
            code="submitted",
        )


def item_self_assess(
    *,
    item: AssessmentItem,
    version: int | None,
    rating: RatingOption | None,
    not_applicable: bool = False,
    not_applicable_reason: str = "",
    what_we_do: str = "",
    how_residents_involved: str = "",
    criteria: dict[int, tuple[RatingOption | None, str]] | None = None,
) -> AssessmentItem:
    """Save the landlord's draft for one commitment (drafts may be incomplete)."""
    with transaction.atomic():
        item = _lock(item, version)
        _require_stage(item, Stage.SELF_ASSESSMENT, action="change the self-assessment")
        _require_not_submitted(item)
        if not_applicable and not item.commitment.not_applicable_allowed:
            raise ValidationError(
                {"not_applicable": "This commitment cannot be marked not applicable."}
            )
        if not_applicable and rating is not None:
            raise ValidationError(
                {"rating": "Choose a rating or mark the commitment not applicable, not both."}
            )
        # Text from a spreadsheet or a command follows the forms' rules; text already stored
        # (from before those rules) may be kept as it is.
        require_acceptable_text(
            {
                name: (label, value)
                for name, label, value in (
                    ("not_applicable_reason", "Why it does not apply", not_applicable_reason),
                    ("what_we_do", "What we do", what_we_do),
                    (
                        "how_residents_involved",
                        "How residents were involved",
                        how_residents_involved,
                    ),
                )
                if value.strip() != getattr(item, name)
            }
        )
        item.self_rating = _rating_for(item, rating)
        item.self_not_applicable = not_applicable
        item.not_applicable_reason = not_applicable_reason.strip() if not_applicable else ""
        item.what_we_do = what_we_do.strip()
        item.how_residents_involved = how_residents_involved.strip()
        criteria_changed = False
        for criterion_rating in item.criteria.all():
            if criteria and criterion_rating.criterion_id in criteria:
                given, note = criteria[criterion_rating.criterion_id]
                given = _rating_for(item, given)
                if (criterion_rating.rating, criterion_rating.note) != (given, note.strip()):
                    criterion_rating.rating, criterion_rating.note = given, note.strip()
                    criterion_rating.save()
                    criteria_changed = True
        _save(
            item,
            [
                "self_rating",
                "self_not_applicable",
                "not_applicable_reason",
                "what_we_do",
                "how_residents_involved",
            ],
            reopened_stage=Stage.SELF_ASSESSMENT,
            changed_elsewhere=criteria_changed,
        )
    return item


def participation_missing(participation: Participation) -> list[str]:
    """Commitments not yet rated, or marked not applicable without a reason."""
    missing = []
    for item in participation.items.select_related("commitment").order_by("commitment__number"):
        if item.self_not_applicable and not item.not_applicable_reason.strip():
            missing.append(
                f"Commitment {item.commitment.number} is marked not applicable without a reason"
            )
        elif not item.is_self_assessed:
            missing.append(f"Commitment {item.commitment.number} has no rating")
    return missing


def participation_submit(*, participation: Participation, by: Any) -> Participation:
    """A landlord admin signs the self-assessment off and submits it to the council."""
    stage = cycle_stage(participation.cycle)
    if stage != Stage.SELF_ASSESSMENT:
        raise StageError(
            f"Self-assessments are submitted during the self-assessment stage; this cycle is at "
            f"“{_stage_label(stage)}”.",
            code="stage",
        )
    if participation.submitted_at:
        raise ValidationError("This self-assessment has already been submitted.")
    missing = participation_missing(participation)
    if missing:
        raise ValidationError(missing, code="incomplete")
    with transaction.atomic():
        participation.submitted_at = timezone.now()
        participation.signed_off_by = by
        participation.save(update_fields=["submitted_at", "signed_off_by", "updated_at"])
    return participation


# ---------------------------------------------------------------------------------------------
# Evidence and improvement actions


def evidence_add(
    *,
    item: AssessmentItem,
    by: Any,
    title: str,
    file: UploadedFile | None = None,
    url: str = "",
    page: str = "",
    excerpt: str = "",
    is_public: bool = False,
    for_reply: bool = False,
) -> Evidence:
    """Attach a file or a link to an item, in the stages where the landlord may add evidence."""
    item = AssessmentItem.objects.select_related("participation__cycle").get(pk=item.pk)
    if for_reply:
        _require_stage(item, Stage.RIGHT_OF_REPLY, action="add evidence to your reply")
    else:
        open_request = item.evidence_requests.filter(answered_at__isnull=True).exists()
        stages = [Stage.SELF_ASSESSMENT]
        if open_request:
            stages.append(Stage.COUNCIL_REVIEW)
        _require_stage(item, *stages, action="add evidence")
        if cycle_stage(item.participation.cycle) == Stage.SELF_ASSESSMENT:
            _require_not_submitted(item)
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Give the evidence a title."
    if bool(file) == bool(url.strip()):
        errors["file"] = "Upload a file or give a web address (one, not both)."
    if errors:
        raise ValidationError(errors)
    checked = upload_check(file, policy=DOCUMENTS) if file else None
    with transaction.atomic():
        evidence = Evidence(
            item=item,
            kind=EvidenceKind.FILE if file else EvidenceKind.LINK,
            title=title.strip(),
            url=url.strip(),
            page=page.strip(),
            excerpt=excerpt.strip(),
            is_public=is_public,
            for_reply=for_reply,
            added_by=by,
            content_type=checked.content_type if checked else "",
            size=checked.size if checked else None,
        )
        if file and checked:
            # Named by what it is, not by what it was called: a PDF named page.html is stored
            # and served as a PDF.
            evidence.file.save(checked.stored_name(file.name or "evidence"), file, save=False)
        evidence.save()
        if not for_reply:
            item.evidence_requests.filter(answered_at__isnull=True).update(
                answered_at=timezone.now()
            )
    return evidence


def evidence_remove(*, evidence: Evidence) -> None:
    """Withdraw evidence (it stays in the history). The self-assessment's evidence can be removed
    only while the self-assessment can change (before sign-off, or once the council reopens the
    commitment for it); the reply's own evidence only during the right of reply."""
    item = AssessmentItem.objects.select_related("participation__cycle").get(pk=evidence.item_id)
    if evidence.for_reply:
        _require_stage(item, Stage.RIGHT_OF_REPLY, action="remove evidence given with a reply")
    else:
        _require_stage(item, Stage.SELF_ASSESSMENT, action="remove the self-assessment's evidence")
        _require_not_submitted(item)
    with transaction.atomic():
        evidence.removed_at = timezone.now()
        evidence.save(update_fields=["removed_at", "updated_at"])


def action_add(
    *, item: AssessmentItem, description: str, owner: str, target_date: datetime.date | None
) -> ImprovementAction:
    """An improvement action, while the self-assessment can change or during the right of reply
    (where the landlord may answer the council's feedback with a plan)."""
    item = AssessmentItem.objects.select_related("participation__cycle").get(pk=item.pk)
    _require_stage(
        item, Stage.SELF_ASSESSMENT, Stage.RIGHT_OF_REPLY, action="add improvement actions"
    )
    if cycle_stage(item.participation.cycle) == Stage.SELF_ASSESSMENT:
        _require_not_submitted(item)
    errors = {}
    if not description.strip():
        errors["description"] = "Say what will be done."
    if not owner.strip():
        errors["owner"] = "Say who owns the action (a role or team)."
    if target_date is None:
        errors["target_date"] = "Give a target date."
    if errors:
        raise ValidationError(errors)
    assert target_date is not None
    return ImprovementAction.objects.create(
        item=item, description=description.strip(), owner=owner.strip(), target_date=target_date
    )


def action_update(*, action: ImprovementAction, status: str) -> ImprovementAction:
    if status not in ActionStatus.values:
        raise ValidationError({"status": "Choose planned, in progress or done."})
    _require_stage(
        action.item,
        Stage.SELF_ASSESSMENT,
        Stage.COUNCIL_REVIEW,
        Stage.RIGHT_OF_REPLY,
        Stage.MODERATION,
        action="change an action's progress",
    )
    action.status = status
    action.save(update_fields=["status", "updated_at"])
    return action


# ---------------------------------------------------------------------------------------------
# Council review, right of reply, moderation


def item_review(
    *,
    item: AssessmentItem,
    by: Any,
    version: int | None,
    rating: RatingOption | None,
    feedback: str = "",
    private_notes: str = "",
) -> AssessmentItem:
    with transaction.atomic():
        item = _lock(item, version)
        _require_stage(item, Stage.COUNCIL_REVIEW, action="review a commitment")
        if rating is None and not item.self_not_applicable:
            raise ValidationError({"rating": "Choose the council's rating."})
        item.council_rating = _rating_for(item, rating)
        item.council_feedback = feedback.strip()
        item.council_private_notes = private_notes.strip()
        _save(
            item,
            ["council_rating", "council_feedback", "council_private_notes"],
            stamps={"reviewed_by": by, "reviewed_at": timezone.now()},
            reopened_stage=Stage.COUNCIL_REVIEW,
        )
    return item


def evidence_request_create(
    *, item: AssessmentItem, by: Any, message: str, due_on: datetime.date | None
) -> EvidenceRequest:
    _require_stage(item, Stage.COUNCIL_REVIEW, action="ask for more evidence")
    errors = {}
    if not message.strip():
        errors["message"] = "Say what evidence you need."
    if due_on is None:
        errors["due_on"] = "Give the date it is due."
    elif due_on < timezone.localdate():
        errors["due_on"] = "The due date must be today or later."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        assert due_on is not None
        request = EvidenceRequest.objects.create(
            item=item, message=message.strip(), due_on=due_on, requested_by=by
        )
        transaction.on_commit(lambda: _announce_request(request.pk))
    return request


def _announce_request(request_id: int) -> None:
    from . import notifications

    notifications.evidence_requested(request_id=request_id)


@dataclass(frozen=True)
class EvidenceGiven:
    """One piece of evidence as a person gives it on a form: a file or a web address, where to
    look in it, and whether it may be published."""

    title: str
    file: UploadedFile | None = None
    url: str = ""
    page: str = ""
    excerpt: str = ""
    is_public: bool = False

    def as_arguments(self) -> dict[str, Any]:
        """The keyword arguments of `evidence_add` (shallow: the uploaded file is not copied)."""
        return {field.name: getattr(self, field.name) for field in fields(self)}


REPLY_NEEDS_EVIDENCE = (
    "You disagree with the council's rating, so give evidence with your reply: upload a file or "
    "give a web address."
)


def item_reply(
    *,
    item: AssessmentItem,
    by: Any,
    version: int | None,
    position: str,
    reason: str = "",
    evidence: EvidenceGiven | None = None,
) -> AssessmentItem:
    """The landlord's answer to the council's rating: agree, or disagree with a reason and at
    least one piece of evidence given with the reply. `evidence`, when given, is added in the same
    transaction, so a refused reply leaves no evidence behind."""
    with transaction.atomic():
        item = _lock(item, version)
        _require_stage(item, Stage.RIGHT_OF_REPLY, action="reply to the council's rating")
        if item.reviewed_at is None:
            raise ValidationError("The council has not rated this commitment yet.")
        if position not in ReplyPosition.values:
            raise ValidationError({"position": "Say whether you agree or disagree."})
        if position == ReplyPosition.DISAGREE and not reason.strip():
            raise ValidationError({"reason": "Say why you disagree."})
        if evidence is not None:
            evidence_add(item=item, by=by, for_reply=True, **evidence.as_arguments())
        if (
            position == ReplyPosition.DISAGREE
            and not item.evidence.filter(for_reply=True, removed_at__isnull=True).exists()
        ):
            raise ValidationError(REPLY_NEEDS_EVIDENCE, code="reply_evidence")
        item.reply_position = position
        item.reply_reason = reason.strip()
        if _save(
            item,
            ["reply_position", "reply_reason"],
            stamps={"replied_by": by, "replied_at": timezone.now()},
            reopened_stage=Stage.RIGHT_OF_REPLY,
            changed_elsewhere=evidence is not None,
        ):
            item_id = item.pk
            transaction.on_commit(lambda: _announce_reply(item_id))
    return item


def _announce_reply(item_id: int) -> None:
    from . import notifications

    notifications.reply_received(item_id=item_id)


def item_moderate(
    *,
    item: AssessmentItem,
    by: Any,
    version: int | None,
    rating: RatingOption | None,
    not_applicable: bool = False,
    rationale: str = "",
) -> AssessmentItem:
    with transaction.atomic():
        item = _lock(item, version)
        _require_stage(item, Stage.MODERATION, action="set the final rating")
        errors = {}
        if rating is None and not not_applicable:
            errors["rating"] = "Choose the final rating, or mark the commitment not applicable."
        if rating is not None and not_applicable:
            errors["rating"] = "Choose a rating or not applicable, not both."
        if not_applicable and not item.commitment.not_applicable_allowed:
            errors["not_applicable"] = "This commitment cannot be marked not applicable."
        if not rationale.strip():
            errors["rationale"] = "Give the reason for the final rating."
        if errors:
            raise ValidationError(errors)
        item.final_rating = _rating_for(item, rating)
        item.final_not_applicable = not_applicable
        item.final_rationale = rationale.strip()
        _save(
            item,
            ["final_rating", "final_not_applicable", "final_rationale"],
            stamps={"moderated_by": by, "moderated_at": timezone.now()},
            reopened_stage=Stage.MODERATION,
        )
        reality_outcome_record(item=item, is_public=False)
    return item


def reality_outcome_record(
    *,
    item: AssessmentItem,
    is_public: bool,
    public_from: datetime.datetime | None = None,
    published: tuple[str, str] | None = None,
) -> None:
    """Put what residents said about a claim, and what the council decided, in the "you said, we
    did" register (one entry per item; public only once the cycle's results are published, and
    not before the moment they are public: `public_from`).

    `published` is the published (rating label, rationale) for the item, from the latest version
    of the publication, so that a correction shows in the register; without it the item's own
    final rating is used (before publication)."""
    from residentvoice.participation.models import RegisterStatus, SourceKind
    from residentvoice.participation.services import register_entry_record

    counts = dict.fromkeys(RealityAnswer.values, 0)
    for answer in item.reality_checks.values_list("answer", flat=True):
        counts[answer] += 1
    total = sum(counts.values())
    if not total or not item.is_moderated:
        return
    said = (
        f"{total} resident{'s' if total != 1 else ''} said whether "
        f"{item.landlord.name}'s claim on commitment {item.commitment.number} "
        f"(“{item.commitment.title}”) matched their experience: "
        + ", ".join(f"{label.lower()} {counts[value]}" for value, label in RealityAnswer.choices)
        + "."
    )
    if published is not None:
        final, rationale = published
    else:
        final = (
            "not applicable"
            if item.final_not_applicable or item.final_rating is None
            else (item.final_rating.label)
        )
        rationale = item.final_rationale
    actions = "; ".join(
        f"{action.description} ({action.owner}, by {long_date(action.target_date)})"
        for action in item.actions.all()
    )
    cycle = item.participation.cycle
    register_entry_record(
        landlord=item.landlord,
        source_kind=SourceKind.REALITY_CHECK,
        source_id=item.pk,
        residents_said=said,
        decision=f"The council's final rating for {cycle.reporting_year}: {final}.",
        reason=rationale,
        # No actions, nothing done yet to tell residents: the entry waits, out of public sight,
        # until an action is recorded.
        action_taken=actions,
        status=RegisterStatus.PLANNED if actions else RegisterStatus.DONE,
        is_public=is_public,
        public_from=public_from,
        date=(item.moderated_at or timezone.now()).date(),
        title=f"{item.landlord.short_name or item.landlord.name}: residents' check of commitment "
        f"{item.commitment.number}",
        is_synthetic=cycle.is_demo,
    )


def cycle_reality_outcomes_publish(
    *,
    cycle: AssessmentCycle,
    public_from: datetime.datetime | None = None,
    published: dict[tuple[str, int], tuple[str, str]] | None = None,
) -> int:
    """Make the cycle's reality-check register entries public (called when results publish, and
    again for each correction), shown from `public_from` (the end of any embargo).

    `published` maps (landlord slug, commitment number) to the published (rating label,
    rationale), so the register follows the frozen results rather than the live rows."""
    items = (
        AssessmentItem.objects.filter(participation__cycle=cycle, reality_checks__isnull=False)
        .distinct()
        .select_related("landlord", "commitment", "final_rating", "participation__cycle")
    )
    count = 0
    for item in items:
        reality_outcome_record(
            item=item,
            is_public=True,
            public_from=public_from,
            published=(published or {}).get((item.landlord.slug, item.commitment.number)),
        )
        count += 1
    return count


def item_reopen(*, item: AssessmentItem, stage: str, reason: str) -> AssessmentItem:
    """A council admin reopens one item for a stage already passed, with a reason."""
    current = cycle_stage(item.participation.cycle)
    errors = {}
    if current == Stage.PUBLISHED:
        errors["stage"] = "A published cycle is changed by a correction, not by reopening."
    elif current == Stage.READY_TO_PUBLISH:
        errors["stage"] = (
            "The results are frozen while the cycle is ready to publish. To reopen a commitment, "
            "move the cycle back to moderation first."
        )
    elif stage not in STAGE_ORDER[1:5] or STAGE_ORDER.index(stage) > STAGE_ORDER.index(current):
        errors["stage"] = "Choose a stage the cycle has already reached."
    if not reason.strip():
        errors["reason"] = "Say why the commitment is reopened."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        item = _lock(item, None)
        item.reopened_for = stage
        item.reopened_reason = reason.strip()
        _save(item, ["reopened_for", "reopened_reason"])
    return item


# ---------------------------------------------------------------------------------------------
# Reality checks

REALITY_COMMENT_MAX = 2000


def reality_check_answer(
    *, item: AssessmentItem, resident: Any, answer: str, comment: str = ""
) -> RealityCheck:
    """A resident's answer to "does this match your experience?"; answering again replaces it.
    A changed comment goes back to the council for moderation."""
    stage = cycle_stage(item.participation.cycle)
    if stage not in REALITY_CHECK_STAGES:
        raise StageError(
            "Residents can check a landlord's claims during self-assessment and council review; "
            f"this cycle is at “{_stage_label(stage)}”.",
            code="stage",
        )
    if item.self_not_applicable or not item.what_we_do.strip():
        raise ValidationError("The landlord has not said what it does for this commitment yet.")
    errors = {}
    if answer not in RealityAnswer.values:
        errors["answer"] = "Choose yes, partly, no or don't know."
    comment = comment.strip()
    if len(comment) > REALITY_COMMENT_MAX:
        errors["comment"] = (
            f"Keep your comment to {REALITY_COMMENT_MAX:,} characters or fewer "
            f"(it has {len(comment):,})."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        check, created = RealityCheck.objects.select_for_update().get_or_create(
            item=item,
            resident=resident,
            defaults={
                "answer": answer,
                "comment": comment,
                "comment_status": CommentStatus.PENDING,
            },
        )
        if not created and (check.answer, check.comment) != (answer, comment):
            if check.comment != comment:
                check.comment_status = CommentStatus.PENDING
                check.moderated_by = None
            check.answer, check.comment = answer, comment
            check.save()
    return check


def reality_comment_moderate(*, check: RealityCheck, by: Any, approve: bool) -> RealityCheck:
    """Approve a resident's comment for people outside the council, or keep it unpublished.
    Decisions can be changed until the cycle's results are frozen."""
    stage = cycle_stage(check.item.participation.cycle)
    if stage in FROZEN_STAGES:
        raise StageError(
            f"The results are frozen at “{_stage_label(stage)}”: comments can no longer be "
            "moderated.",
            code="stage",
        )
    if not check.comment:
        raise ValidationError("There is no comment to moderate.")
    status = CommentStatus.APPROVED if approve else CommentStatus.REJECTED
    if (check.comment_status, check.moderated_by_id) == (status, getattr(by, "pk", None)):
        return check
    check.comment_status = status
    check.moderated_by = by
    check.save(update_fields=["comment_status", "moderated_by", "updated_at"])
    return check


def reality_session_record(
    *,
    participation: Participation,
    by: Any,
    held_on: datetime.date | None,
    residents_count: int | None,
    summary: str,
    commitments: Iterable[Any] = (),
) -> RealityCheckSession:
    """Record an offline reality-check session with a landlord's residents. Without commitments
    it stands for the landlord's claims in general."""
    stage = cycle_stage(participation.cycle)
    if stage == Stage.PREPARATION or stage in FROZEN_STAGES:
        raise StageError(
            "Sessions are recorded from self-assessment until moderation ends; this cycle is at "
            f"“{_stage_label(stage)}”.",
            code="stage",
        )
    commitments = list(commitments)
    errors = {}
    if held_on is None:
        errors["held_on"] = "Give the date the session was held."
    elif held_on > timezone.localdate():
        errors["held_on"] = "The session cannot be in the future."
    if not residents_count or residents_count < 1:
        errors["residents_count"] = "Give how many residents took part (at least 1)."
    if not summary.strip():
        errors["summary"] = "Summarise what residents said."
    if any(c.charter_id != participation.cycle.charter_id for c in commitments):
        errors["commitments"] = "Choose commitments from the charter this cycle assesses."
    if errors:
        raise ValidationError(errors)
    assert held_on is not None
    assert residents_count is not None
    with transaction.atomic():
        session = RealityCheckSession.objects.create(
            participation=participation,
            held_on=held_on,
            residents_count=residents_count,
            summary=summary.strip(),
            recorded_by=by,
        )
        session.commitments.set(commitments)
    return session


# ---------------------------------------------------------------------------------------------
# The moderation panel

PANEL_COMMENT_MAX = 2000


def _require_panel_open(cycle: AssessmentCycle) -> None:
    """Who sits on the panel changes until the results are frozen."""
    stage = cycle_stage(cycle)
    if stage in FROZEN_STAGES:
        raise StageError(
            f"The results are frozen at “{_stage_label(stage)}”: the panel can no longer change.",
            code="stage",
        )


def panel_member_add(*, cycle: AssessmentCycle, email: str, by: Any) -> ModerationPanelMember:
    """Name a council staff member or a verified resident to a cycle's moderation panel, until
    the results are frozen. They are told, with a link to the panel's papers."""
    from residentvoice.accounts.models import LANDLORD_STAFF_ROLES, User
    from residentvoice.accounts.selectors import membership_of

    from .rules import may_sit_on_panel

    _require_panel_open(cycle)
    email = email.strip()
    if not email:
        raise ValidationError({"email": "Give the email address of the person to add."})
    person = User.objects.filter(email__iexact=email, is_active=True).first()
    membership = membership_of(person)
    if person is None or not may_sit_on_panel(person):
        if membership is not None and membership.role in LANDLORD_STAFF_ROLES:
            message = "Landlord staff cannot sit on the moderation panel: it judges landlords."
        else:
            message = (
                "Nobody with that email address is council staff or a verified resident. "
                "Only they can sit on the panel."
            )
        raise ValidationError({"email": message})
    if cycle.panel_members.filter(person=person, removed_at__isnull=True).exists():
        raise ValidationError({"email": f"{person} is already on the panel."})
    with transaction.atomic():
        member = ModerationPanelMember.objects.create(cycle=cycle, person=person, added_by=by)
        member_id = member.pk
        transaction.on_commit(lambda: _announce_panel_place(member_id))
    return member


def _announce_panel_place(member_id: int) -> None:
    from . import notifications

    notifications.panel_place_given(member_id=member_id)


def panel_member_remove(*, member: ModerationPanelMember, by: Any) -> ModerationPanelMember:
    """Take someone off the panel. The row and the views they gave stay, marked as removed."""
    _require_panel_open(member.cycle)
    if member.removed_at is not None:
        return member
    with transaction.atomic():
        member.removed_at = timezone.now()
        member.removed_by = by
        member.save(update_fields=["removed_at", "removed_by", "updated_at"])
    return member


def panel_view_record(
    *,
    item: AssessmentItem,
    person: Any,
    rating: RatingOption | None,
    not_applicable: bool = False,
    comment: str = "",
) -> ModerationPanelView:
    """A panel member's view of one commitment during moderation: the rating they would give
    and why. A new view never replaces an earlier one: the latest is the member's view."""
    from .rules import panel_conflict

    item = AssessmentItem.objects.select_related("participation__cycle", "commitment").get(
        pk=item.pk
    )
    _require_stage(item, Stage.MODERATION, action="give a panel view")
    member = ModerationPanelMember.objects.filter(
        cycle_id=item.participation.cycle_id,
        person_id=getattr(person, "pk", None),
        removed_at__isnull=True,
    ).first()
    if member is None:
        raise ValidationError("Only members of this cycle's moderation panel give panel views.")
    conflict = panel_conflict(person, item)
    if conflict:
        raise ValidationError(conflict, code="conflict")
    if person.pk == item.participation.reviewer_id:
        raise ValidationError(
            "You reviewed this landlord: your rating is already the council's rating.",
            code="conflict",
        )
    errors = {}
    if rating is None and not not_applicable:
        errors["rating"] = "Choose the rating you would give, or not applicable."
    if rating is not None and not_applicable:
        errors["rating"] = "Choose a rating or not applicable, not both."
    if not_applicable and not item.commitment.not_applicable_allowed:
        errors["not_applicable"] = "This commitment cannot be marked not applicable."
    comment = comment.strip()
    if not comment:
        errors["comment"] = "Say why you would give this rating."
    elif len(comment) > PANEL_COMMENT_MAX:
        errors["comment"] = (
            f"Keep your comment to {PANEL_COMMENT_MAX:,} characters or fewer "
            f"(it has {len(comment):,})."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return ModerationPanelView.objects.create(
            item=item,
            member=member,
            rating=_rating_for(item, rating),
            not_applicable=not_applicable,
            comment=comment,
            given_at=timezone.now(),
        )
