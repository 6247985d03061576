"""Writes about scrutiny: panels and members, meetings, private documents, topic rounds and
votes, reviews moving through their stages, recommendations, the landlord's answers, progress on
actions, and the panel's challenge when "done" is not done.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from residentvoice.core.files.uploads import DOCUMENTS, upload_check
from residentvoice.core.formats import closing_time, date_and_time, long_date
from residentvoice.notifications.services import notification_send

from ..models import (
    RECOMMENDATION_TRANSITIONS,
    REVIEW_TRANSITIONS,
    ActionUpdate,
    Attendance,
    AttendanceStatus,
    DataRequest,
    DocumentKind,
    LandlordAnswer,
    Meeting,
    Panel,
    PanelDocument,
    PanelMember,
    PanelRole,
    Recommendation,
    RecommendationStatus,
    RecommendationStatusChange,
    RegisterStatus,
    Review,
    ReviewStage,
    ReviewStageChange,
    ReviewType,
    SourceKind,
    TopicProposal,
    TopicRound,
    TopicVote,
)
from ..models.scrutiny import FINISHED_STATUSES
from ..selectors.people import landlord_staff, resident_landlord_id, residents_of
from .register import register_entry_record

ANSWER_WEEKS = 8  # the usual time a landlord's board takes to answer a scrutiny report


# Panels and members ---------------------------------------------------------------------------


@transaction.atomic
def panel_create(
    *, landlord: Any, name: str, terms_of_reference: str, is_synthetic: bool = False
) -> Panel:
    errors = {}
    if not name.strip():
        errors["name"] = "Give the panel a name."
    if not terms_of_reference.strip():
        errors["terms_of_reference"] = "Write the panel's terms of reference."
    if errors:
        raise ValidationError(errors)
    if Panel.objects.filter(landlord=landlord, name=name.strip()).exists():
        raise ValidationError({"name": "This landlord already has a panel with that name."})
    return Panel.objects.create(
        landlord=landlord,
        name=name.strip(),
        terms_of_reference=terms_of_reference.strip(),
        is_synthetic=is_synthetic,
    )


@transaction.atomic
def panel_update(*, panel: Panel, name: str, terms_of_reference: str) -> Panel:
    if not name.strip() or not terms_of_reference.strip():
        raise ValidationError("A panel needs a name and terms of reference.")
    if (
        Panel.objects.filter(landlord_id=panel.landlord_id, name=name.strip())
        .exclude(pk=panel.pk)
        .exists()
    ):
        raise ValidationError({"name": "This landlord already has a panel with that name."})
    if (panel.name, panel.terms_of_reference) != (name.strip(), terms_of_reference.strip()):
        panel.name, panel.terms_of_reference = name.strip(), terms_of_reference.strip()
        panel.save()
    return panel


def _check_role_free(panel: Panel, role: str, *, except_member: PanelMember | None = None) -> None:
    if role not in PanelRole.values:
        raise ValidationError({"role": "Choose chair, vice-chair or member."})
    if role == PanelRole.MEMBER:
        return
    holders = PanelMember.objects.filter(panel=panel, role=role, left_on__isnull=True)
    if except_member is not None:
        holders = holders.exclude(pk=except_member.pk)
    if holders.exists():
        raise ValidationError(
            {
                "role": f"The panel already has a {PanelRole(role).label.lower()}: "
                "change theirs first."
            }
        )


@transaction.atomic
def panel_member_add(
    *, panel: Panel, user: Any, role: str = PanelRole.MEMBER, joined_on: datetime.date | None = None
) -> PanelMember:
    """Add a verified resident of the panel's landlord."""
    if user is None or resident_landlord_id(user) != panel.landlord_id:
        raise ValidationError(
            {"email": "Panel members must be verified residents of this landlord."}
        )
    if PanelMember.objects.filter(panel=panel, user=user, left_on__isnull=True).exists():
        raise ValidationError({"email": "This person is already on the panel."})
    _check_role_free(panel, role)
    return PanelMember.objects.create(
        panel=panel, user=user, role=role, joined_on=joined_on or timezone.localdate()
    )


@transaction.atomic
def panel_member_role_set(*, member: PanelMember, role: str) -> PanelMember:
    if member.left_on is not None:
        raise ValidationError("This person has left the panel.")
    _check_role_free(member.panel, role, except_member=member)
    if member.role != role:
        member.role = role
        member.save()
    return member


@transaction.atomic
def panel_member_remove(*, member: PanelMember, left_on: datetime.date | None = None) -> None:
    if member.left_on is None:
        member.left_on = left_on or timezone.localdate()
        member.save()


def active_members(panel: Panel) -> list[Any]:
    return [
        member.user
        for member in panel.members.filter(left_on__isnull=True, user__isnull=False).select_related(
            "user"
        )
    ]


# Meetings and documents -----------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *, panel: Panel, title: str, held_at: datetime.datetime, place: str = "", agenda: str = ""
) -> Meeting:
    if not title.strip():
        raise ValidationError({"title": "Give the meeting a title."})
    meeting = Meeting.objects.create(
        panel=panel, title=title.strip(), held_at=held_at, place=place.strip(), agenda=agenda
    )
    notification_send(
        users=active_members(panel),
        subject=f"Panel meeting: {meeting.title}",
        body=f"{panel.name} meets at {date_and_time(held_at)}"
        + (f", {meeting.place}" if meeting.place else "")
        + ". The agenda is on the panel's page.",
        url=reverse("participation:meeting-detail", kwargs={"pk": meeting.pk}),
        topic="scrutiny",
    )
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    title: str,
    held_at: datetime.datetime,
    place: str,
    agenda: str,
    minutes: str,
    attendance: dict[int, str],
) -> Meeting:
    """Change the record of a meeting: its agenda, minutes and who came (member id → status)."""
    if not title.strip():
        raise ValidationError({"title": "Give the meeting a title."})
    members = {member.pk: member for member in meeting.panel.members.all()}
    for member_id, status in attendance.items():
        if member_id not in members:
            raise ValidationError("Attendance can only be recorded for the panel's members.")
        if status and status not in AttendanceStatus.values:
            raise ValidationError("Choose present, apologies or absent.")
    fields = {
        "title": title.strip(),
        "held_at": held_at,
        "place": place.strip(),
        "agenda": agenda,
        "minutes": minutes,
    }
    changed = [name for name, value in fields.items() if getattr(meeting, name) != value]
    for name in changed:
        setattr(meeting, name, fields[name])
    if changed:
        meeting.save()
    for member_id, status in attendance.items():
        if status:
            Attendance.objects.update_or_create(
                meeting=meeting, member_id=member_id, defaults={"status": status}
            )
        else:
            Attendance.objects.filter(meeting=meeting, member_id=member_id).delete()
    return meeting


@transaction.atomic
def panel_document_add(
    *,
    panel: Panel,
    uploaded_by: Any,
    kind: str,
    title: str,
    file: UploadedFile | None = None,
    notes: str = "",
    review: Review | None = None,
) -> PanelDocument:
    """A private document, or notes from an inspection or mystery shop, for the panel and its
    landlord."""
    errors = {}
    if kind not in DocumentKind.values:
        errors["kind"] = "Choose what kind of document this is."
    if not title.strip():
        errors["title"] = "Give it a title."
    if file is None and not notes.strip():
        errors["file"] = "Upload a file or write notes."
    if review is not None and review.panel_id != panel.pk:
        errors["review"] = "That review belongs to another panel."
    if errors:
        raise ValidationError(errors)
    checked = upload_check(file, policy=DOCUMENTS) if file is not None else None
    document = PanelDocument(
        panel=panel,
        review=review,
        kind=kind,
        title=title.strip(),
        notes=notes,
        uploaded_by=uploaded_by,
    )
    if file is not None and checked is not None:
        # Named by what it is, not by what it was called (see core/files/uploads.py).
        document.file.save(checked.stored_name(file.name or "document"), file, save=False)
    document.save()
    return document


# Topics -----------------------------------------------------------------------------------------


def _check_resident_of(user: Any, landlord_id: int) -> None:
    if resident_landlord_id(user) != landlord_id:
        raise ValidationError("Only verified residents of this landlord can take part.")


def _check_round_open(round: TopicRound) -> None:
    if round.decided_at is not None or round.closes_at <= timezone.now():
        raise ValidationError("This round has closed.")


@transaction.atomic
def topic_round_open(*, panel: Panel, title: str, closes_at: datetime.datetime) -> TopicRound:
    if not title.strip():
        raise ValidationError({"title": "Give the round a title."})
    if closes_at <= timezone.now():
        raise ValidationError({"closes_at": "The closing date must be in the future."})
    topic_round = TopicRound.objects.create(panel=panel, title=title.strip(), closes_at=closes_at)
    notification_send(
        users=residents_of(panel.landlord_id),
        subject=f"Suggest what {panel.name} should look at",
        body=f"{panel.name} is choosing its next review. Suggest a topic or vote for one by "
        f"{closing_time(closes_at)}.",
        url=reverse("participation:round-detail", kwargs={"pk": topic_round.pk}),
        topic="scrutiny",
    )
    return topic_round


@transaction.atomic
def topic_propose(
    *,
    round: TopicRound,
    user: Any,
    title: str,
    description: str,
) -> TopicProposal:
    _check_resident_of(user, round.panel.landlord_id)
    _check_round_open(round)
    errors = {}
    if not title.strip():
        errors["title"] = "Give your topic a short title."
    if not description.strip():
        errors["description"] = "Say what the panel should look at, and why."
    if errors:
        raise ValidationError(errors)
    return TopicProposal.objects.create(
        round=round, title=title.strip()[:200], description=description, proposed_by=user
    )


@transaction.atomic
def topic_vote(*, proposal: TopicProposal, user: Any) -> TopicVote:
    """One vote per verified resident per round; a second is refused by the database too."""
    topic_round = proposal.round
    _check_resident_of(user, topic_round.panel.landlord_id)
    _check_round_open(topic_round)
    if proposal.is_hidden:
        raise ValidationError("This topic has been withdrawn.")
    try:
        with transaction.atomic():
            return TopicVote.objects.create(round=topic_round, proposal=proposal, voter=user)
    except IntegrityError as error:
        raise ValidationError("You have already voted in this round.") from error


def _round_participants(topic_round: TopicRound) -> list[Any]:
    from django.contrib.auth import get_user_model

    ids = set(topic_round.votes.values_list("voter_id", flat=True)) | set(
        topic_round.proposals.values_list("proposed_by_id", flat=True)
    )
    ids.discard(None)
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True))


@transaction.atomic
def topic_round_decide(
    *,
    round: TopicRound,
    proposal: TopicProposal,
    decided_by: Any,
    note: str = "",
    review_type: str = ReviewType.IN_DEPTH,
    at: datetime.datetime | None = None,
) -> Review:
    """The panel chooses a topic (usually, not always, the most voted) and starts a review."""
    if round.decided_at is not None:
        raise ValidationError("This round has already been decided.")
    if proposal.round_id != round.pk or proposal.is_hidden:
        raise ValidationError({"proposal": "Choose one of this round's topics."})
    round.chosen = proposal
    round.decided_at = at or timezone.now()
    round.decided_by = decided_by
    round.decision_note = note.strip()
    round.save()
    review = review_create(
        panel=round.panel,
        title=proposal.title,
        review_type=review_type,
        scope=proposal.description,
        topic=proposal,
        started_by=decided_by,
        at=at,
    )
    notification_send(
        users=_round_participants(round),
        subject=f"{round.panel.name} has chosen its next review: {proposal.title}",
        body=f"Thank you for taking part in “{round.title}”. The panel chose “{proposal.title}”."
        + (f" {note.strip()}" if note.strip() else ""),
        url=review.get_absolute_url(),
        topic="scrutiny",
    )
    return review


# Reviews ----------------------------------------------------------------------------------------


def review_participants(review: Review) -> list[Any]:
    """Everyone who took part: the panel's members, and those who proposed or voted for its
    topic."""
    from django.contrib.auth import get_user_model

    ids = set(
        PanelMember.objects.filter(
            panel_id=review.panel_id, left_on__isnull=True, user__isnull=False
        ).values_list("user_id", flat=True)
    )
    if review.topic_id:
        ids |= set(
            TopicVote.objects.filter(proposal_id=review.topic_id).values_list("voter_id", flat=True)
        )
        ids |= set(
            TopicProposal.objects.filter(pk=review.topic_id).values_list(
                "proposed_by_id", flat=True
            )
        )
    ids.discard(None)
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True))


@transaction.atomic
def review_create(
    *,
    panel: Panel,
    title: str,
    review_type: str,
    scope: str,
    started_by: Any = None,
    topic: TopicProposal | None = None,
    is_synthetic: bool = False,
    at: datetime.datetime | None = None,
) -> Review:
    errors = {}
    if not title.strip():
        errors["title"] = "Give the review a title."
    if review_type not in ReviewType.values:
        errors["review_type"] = "Choose the kind of review."
    if not scope.strip():
        errors["scope"] = "Say what the review will look at."
    if errors:
        raise ValidationError(errors)
    review = Review.objects.create(
        panel=panel,
        landlord_id=panel.landlord_id,
        topic=topic,
        title=title.strip(),
        review_type=review_type,
        scope=scope.strip(),
        is_synthetic=is_synthetic or panel.is_synthetic,  # a made-up panel's reviews are too
    )
    _stage_append(review, ReviewStage.SCOPING, by=started_by, note="Review started", at=at)
    return review


def _stage_append(
    review: Review, stage: str, *, by: Any, note: str = "", at: datetime.datetime | None = None
) -> ReviewStageChange:
    current = review.stage
    if stage not in REVIEW_TRANSITIONS.get(current, frozenset()):
        raise ValidationError(
            f"A review cannot move from “{review.stage_label}” to “{ReviewStage(stage).label}”."
        )
    change = ReviewStageChange.objects.create(
        review=review,
        stage=stage,
        note=note.strip(),
        changed_by=by,
        changed_at=at or timezone.now(),
    )
    review.current_stage = change
    review.save(update_fields=["current_stage", "updated_at"])
    return change


@transaction.atomic
def review_update(
    *, review: Review, title: str, scope: str, review_type: str, report_summary: str
) -> Review:
    if review.stage not in (ReviewStage.SCOPING, ReviewStage.EVIDENCE, ReviewStage.REPORT):
        raise ValidationError("The report cannot change once it has gone to the landlord.")
    if not title.strip() or not scope.strip() or review_type not in ReviewType.values:
        raise ValidationError("A review needs a title, a scope and a kind.")
    fields = {
        "title": title.strip(),
        "scope": scope.strip(),
        "review_type": review_type,
        "report_summary": report_summary.strip(),
    }
    changed = [name for name, value in fields.items() if getattr(review, name) != value]
    for name in changed:
        setattr(review, name, fields[name])
    if changed:
        review.save()
    return review


def _recommendations(review: Review) -> list[Recommendation]:
    return list(review.recommendations.select_related("current_status").order_by("number"))


@transaction.atomic
def review_stage_move(
    *,
    review: Review,
    stage: str,
    moved_by: Any,
    note: str = "",
    answer_due_on: datetime.date | None = None,
    report_back: str = "",
    at: datetime.datetime | None = None,
) -> Review:
    """Move a review on (or back) one stage, checking what each stage needs first."""
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("current_stage", "panel")
        .get(pk=review.pk)
    )
    if stage not in ReviewStage.values:
        raise ValidationError({"stage": "Choose a stage."})
    recommendations = _recommendations(review)
    now = at or timezone.now()
    if stage == ReviewStage.ANSWERING:
        if not review.report_summary.strip():
            raise ValidationError({"report_summary": "Write the report's summary first."})
        if not recommendations:
            raise ValidationError("Add the report's recommendations first.")
        review.answer_due_on = answer_due_on or (
            timezone.localdate(now) + datetime.timedelta(weeks=ANSWER_WEEKS)
        )
        review.save(update_fields=["answer_due_on", "updated_at"])
    if stage == ReviewStage.ACTIONS:
        waiting = [r for r in recommendations if r.status == RecommendationStatus.AWAITING_ANSWER]
        if waiting:
            raise ValidationError(
                f"The landlord has not yet answered recommendation {waiting[0].number}."
            )
    if stage == ReviewStage.CLOSED:
        open_ones = [r for r in recommendations if r.status not in FINISHED_STATUSES]
        if open_ones:
            raise ValidationError(
                "A review closes when every recommendation is done or rejected with reasons: "
                f"recommendation {open_ones[0].number} is “{open_ones[0].status_label}”."
            )
    if stage == ReviewStage.REPORTED_BACK:
        if not report_back.strip():
            raise ValidationError({"report_back": "Write the report back to residents."})
        review.report_back = report_back.strip()
        review.save(update_fields=["report_back", "updated_at"])
    _stage_append(review, stage, by=moved_by, note=note, at=now)
    if stage == ReviewStage.ANSWERING:
        for recommendation in recommendations:
            recommendation.made_on = timezone.localdate(now)
            recommendation.save(update_fields=["made_on", "updated_at"])
            _status_append(
                recommendation, RecommendationStatus.AWAITING_ANSWER, by=moved_by, at=now
            )
            _register(recommendation)
        notification_send(
            users=landlord_staff(review.landlord_id),
            subject=f"Scrutiny report to answer: {review.title}",
            body=f"{review.panel.name} has sent its report with {len(recommendations)} "
            f"recommendations. Answer each by {long_date(review.answer_due_on)}.",
            url=review.get_absolute_url(),
            topic="scrutiny",
        )
    audience = review_participants(review)
    if stage == ReviewStage.REPORTED_BACK:
        audience = list(
            {
                person.pk: person for person in [*audience, *residents_of(review.landlord_id)]
            }.values()
        )
    notification_send(
        users=audience,
        subject=f"{review.title}: {ReviewStage(stage).label.lower()}",
        body=(
            review.report_back
            if stage == ReviewStage.REPORTED_BACK
            else f"The scrutiny review “{review.title}” has moved to: {ReviewStage(stage).label}."
            + (f" {note.strip()}" if note.strip() else "")
        ),
        url=review.get_absolute_url(),
        topic="scrutiny",
    )
    return review


@transaction.atomic
def data_request_create(
    *, review: Review, question: str, due_on: datetime.date, asked_by: Any
) -> DataRequest:
    if review.stage not in (ReviewStage.SCOPING, ReviewStage.EVIDENCE, ReviewStage.REPORT):
        raise ValidationError("Ask for information while the review is gathering evidence.")
    if not question.strip():
        raise ValidationError({"question": "Say what information the panel needs."})
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": "The date must not be in the past."})
    request = DataRequest.objects.create(
        review=review, question=question.strip(), due_on=due_on, asked_by=asked_by
    )
    notification_send(
        users=landlord_staff(review.landlord_id),
        subject=f"The scrutiny panel asks for information: {review.title}",
        body=f"{request.question}\n\nPlease answer by {long_date(due_on)}.",
        url=review.get_absolute_url(),
        topic="scrutiny",
    )
    return request


@transaction.atomic
def data_request_answer(*, request: DataRequest, answer: str, answered_by: Any) -> DataRequest:
    if not answer.strip():
        raise ValidationError({"answer": "Write the answer."})
    request.answer = answer.strip()
    request.answered_at = timezone.now()
    request.answered_by = answered_by
    request.save()
    notification_send(
        users=active_members(request.review.panel),
        subject=f"Information answered: {request.review.title}",
        body=f"The landlord answered: “{request.question[:150]}”",
        url=request.review.get_absolute_url(),
        topic="scrutiny",
    )
    return request


# Recommendations --------------------------------------------------------------------------------


@transaction.atomic
def recommendation_add(*, review: Review, text: str) -> Recommendation:
    if review.stage not in (ReviewStage.EVIDENCE, ReviewStage.REPORT):
        raise ValidationError("Recommendations are written while the report is being prepared.")
    if not text.strip():
        raise ValidationError({"text": "Write the recommendation."})
    last = review.recommendations.aggregate(last=Max("number"))["last"] or 0
    return Recommendation.objects.create(review=review, number=last + 1, text=text.strip())


@transaction.atomic
def recommendation_update(*, recommendation: Recommendation, text: str) -> Recommendation:
    if recommendation.review.stage not in (ReviewStage.EVIDENCE, ReviewStage.REPORT):
        raise ValidationError("The report has gone to the landlord: recommendations are fixed.")
    if not text.strip():
        raise ValidationError({"text": "Write the recommendation."})
    if recommendation.text != text.strip():
        recommendation.text = text.strip()
        recommendation.save()
    return recommendation


def _status_append(
    recommendation: Recommendation,
    status: str,
    *,
    by: Any,
    reason: str = "",
    is_challenge: bool = False,
    at: datetime.datetime | None = None,
) -> RecommendationStatusChange:
    current = recommendation.status
    if status not in RECOMMENDATION_TRANSITIONS.get(current, frozenset()):
        raise ValidationError(
            f"Recommendation {recommendation.number} cannot go from "
            f"“{recommendation.status_label}” "
            f"to “{RecommendationStatus(status).label}”."
        )
    change = RecommendationStatusChange.objects.create(
        recommendation=recommendation,
        status=status,
        reason=reason.strip(),
        is_challenge=is_challenge,
        changed_by=by,
        changed_at=at or timezone.now(),
    )
    recommendation.current_status = change
    recommendation.save(update_fields=["current_status", "updated_at"])
    return change


_REGISTER_STATUS = {
    RecommendationStatus.AWAITING_ANSWER: RegisterStatus.WAITING,
    RecommendationStatus.ACCEPTED: RegisterStatus.PLANNED,
    RecommendationStatus.PARTLY: RegisterStatus.PLANNED,
    RecommendationStatus.IN_PROGRESS: RegisterStatus.IN_PROGRESS,
    RecommendationStatus.DONE: RegisterStatus.DONE,
    RecommendationStatus.REJECTED: RegisterStatus.NOT_TAKEN_FORWARD,
}


def _register(recommendation: Recommendation) -> None:
    """Keep the recommendation's register entry in step: public once the report is public."""
    review = recommendation.review
    latest = recommendation.updates.order_by("-added_at", "-pk").first()
    decision = ""
    if recommendation.answer:
        decision = LandlordAnswer(recommendation.answer).label
        if recommendation.owner:
            decision += f". Owner: {recommendation.owner}"
        if recommendation.due_on:
            decision += f". Due: {long_date(recommendation.due_on)}"
    action = ""
    if latest is not None:
        action = f"{latest.percent}% complete" + (
            f": {latest.milestone}" if latest.milestone else ""
        )
        if latest.note:
            action += f". {latest.note}"
    status = recommendation.status or RecommendationStatus.AWAITING_ANSWER
    register_entry_record(
        landlord=review.landlord_id,
        source_kind=SourceKind.RECOMMENDATION,
        source_id=recommendation.pk,
        title=f"{review.title}: recommendation {recommendation.number}",
        residents_said=recommendation.text,
        decision=decision,
        reason=recommendation.answer_reason,
        action_taken=action,
        status=_REGISTER_STATUS[RecommendationStatus(status)],
        is_public=review.is_public,
        date=timezone.localdate(recommendation.current_status.changed_at)
        if recommendation.current_status
        else timezone.localdate(),
        url=recommendation.get_absolute_url(),
        is_synthetic=review.is_synthetic,
    )


def _tell_about(recommendation: Recommendation, subject: str, body: str) -> None:
    review = recommendation.review
    notification_send(
        users=review_participants(review),
        subject=f"{review.title}, recommendation {recommendation.number}: {subject}",
        body=body,
        url=recommendation.get_absolute_url(),
        topic="scrutiny",
    )


@transaction.atomic
def recommendation_answer(
    *,
    recommendation: Recommendation,
    answered_by: Any,
    answer: str,
    reason: str = "",
    owner: str = "",
    due_on: datetime.date | None = None,
    at: datetime.datetime | None = None,
) -> Recommendation:
    """The landlord's answer: accepted, partly accepted or rejected (with reasons), and for the
    accepted part who will act on it by when."""
    if recommendation.status != RecommendationStatus.AWAITING_ANSWER:
        raise ValidationError("This recommendation has already been answered.")
    errors = {}
    if answer not in LandlordAnswer.values:
        errors["answer"] = "Choose accepted, partly accepted or rejected."
    if answer in (LandlordAnswer.PARTLY, LandlordAnswer.REJECTED) and not reason.strip():
        errors["reason"] = "Give your reasons: residents must know why."
    if answer in (LandlordAnswer.ACCEPTED, LandlordAnswer.PARTLY):
        if not owner.strip():
            errors["owner"] = "Say who will act on it."
        if due_on is None:
            errors["due_on"] = "Say when it will be done."
    if errors:
        raise ValidationError(errors)
    now = at or timezone.now()
    recommendation.answer = answer
    recommendation.answer_reason = reason.strip()
    recommendation.owner = owner.strip() if answer != LandlordAnswer.REJECTED else ""
    recommendation.due_on = due_on if answer != LandlordAnswer.REJECTED else None
    recommendation.answered_at = now
    recommendation.answered_by = answered_by
    recommendation.save()
    _status_append(recommendation, answer, by=answered_by, reason=reason, at=now)
    _register(recommendation)
    _tell_about(
        recommendation,
        LandlordAnswer(answer).label.lower(),
        f"The landlord answered: {LandlordAnswer(answer).label}."
        + (f" Reasons: {reason.strip()}" if reason.strip() else ""),
    )
    return recommendation


@transaction.atomic
def action_progress_add(
    *,
    recommendation: Recommendation,
    added_by: Any,
    percent: int,
    milestone: str = "",
    note: str = "",
    at: datetime.datetime | None = None,
) -> ActionUpdate:
    """Progress on an accepted recommendation. 100% marks it done (the panel may challenge)."""
    status = recommendation.status
    if status not in (
        RecommendationStatus.ACCEPTED,
        RecommendationStatus.PARTLY,
        RecommendationStatus.IN_PROGRESS,
    ):
        raise ValidationError("Progress is recorded on accepted recommendations not yet done.")
    if not 0 <= percent <= 100:
        raise ValidationError({"percent": "Give a percentage from 0 to 100."})
    if not milestone.strip() and not note.strip():
        raise ValidationError({"milestone": "Say what has happened."})
    now = at or timezone.now()
    update = ActionUpdate.objects.create(
        recommendation=recommendation,
        percent=percent,
        milestone=milestone.strip(),
        note=note.strip(),
        added_by=added_by,
        added_at=now,
    )
    new_status = RecommendationStatus.DONE if percent == 100 else RecommendationStatus.IN_PROGRESS
    if new_status != status:
        _status_append(recommendation, new_status, by=added_by, at=now)
        _tell_about(
            recommendation,
            RecommendationStatus(new_status).label.lower(),
            f"Progress: {percent}%" + (f", {update.milestone}" if update.milestone else "") + ".",
        )
    _register(recommendation)
    return update


@transaction.atomic
def recommendation_challenge(
    *,
    recommendation: Recommendation,
    challenged_by: Any,
    reason: str,
    at: datetime.datetime | None = None,
) -> Recommendation:
    """The panel says an action marked done is not done: it reopens, with the reason."""
    if recommendation.status != RecommendationStatus.DONE:
        raise ValidationError("Only an action marked done can be challenged.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why it is not done."})
    review = recommendation.review
    if review.stage == ReviewStage.REPORTED_BACK:
        raise ValidationError("This review has been reported back and is finished.")
    _status_append(
        recommendation,
        RecommendationStatus.IN_PROGRESS,
        by=challenged_by,
        reason=reason,
        is_challenge=True,
        at=at,
    )
    if review.stage == ReviewStage.CLOSED:
        _stage_append(
            review,
            ReviewStage.ACTIONS,
            by=challenged_by,
            note=f"Reopened: recommendation {recommendation.number} challenged",
            at=at,
        )
    _register(recommendation)
    notification_send(
        users=[*landlord_staff(review.landlord_id), *review_participants(review)],
        subject=f"{review.title}, recommendation {recommendation.number}: challenged by the panel",
        body=f"The panel says this is not done: {reason.strip()}",
        url=recommendation.get_absolute_url(),
        topic="scrutiny",
    )
    return recommendation
