"""Writes about consultations: set one up (or start from a template), answer it, enter paper and
phone responses, ask for another format, moderate free text, publish the results and the outcome.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from residentvoice.core.files.uploads import DOCUMENTS, upload_check
from residentvoice.core.formats import closing_time
from residentvoice.notifications.services import notification_send

from ..models import (
    Answer,
    Audience,
    Channel,
    Consultation,
    ConsultationDocument,
    ConsultationFollower,
    ConsultationStatus,
    FormatRequest,
    Moderation,
    OtherFormat,
    Question,
    QuestionKind,
    RegisterStatus,
    Response,
    SourceKind,
)
from ..models.consultations import OPTION_KINDS
from ..selectors.consultations import audience_includes
from ..selectors.people import is_staff_for, landlord_staff
from .register import register_entry_record

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "data" / "templates"
FREE_TEXT_LIMIT = 5000

EDITABLE_AFTER_PUBLISHING = frozenset({"title", "summary", "background", "closes_at"})


def _check_dates(opens_at: datetime.datetime, closes_at: datetime.datetime) -> None:
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": "The closing date must be after the opening date."})


def _check_audience(*, landlord: Any, audience: str) -> None:
    if audience not in Audience.values:
        raise ValidationError({"audience": "Choose who can answer."})
    if audience == Audience.LANDLORD_RESIDENTS and landlord is None:
        raise ValidationError(
            {"audience": "Only a landlord's consultation can be for its residents alone."}
        )


def _check_creator(*, created_by: Any, landlord: Any) -> None:
    if not is_staff_for(created_by, getattr(landlord, "pk", None)):
        raise ValidationError(
            "You can set up consultations for your own landlord, or the council's if you work "
            "for the council."
        )


@transaction.atomic
def consultation_create(
    *,
    created_by: Any,
    landlord: Any,
    title: str,
    summary: str,
    background: str,
    audience: str,
    is_anonymous: bool,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    template: str = "",
    is_synthetic: bool = False,
) -> Consultation:
    """A draft consultation; nobody but its staff sees it until it is published."""
    if not title.strip():
        raise ValidationError({"title": "Give the consultation a title."})
    _check_audience(landlord=landlord, audience=audience)
    _check_dates(opens_at, closes_at)
    if created_by is not None:
        _check_creator(created_by=created_by, landlord=landlord)
    return Consultation.objects.create(
        landlord=landlord,
        title=title.strip(),
        summary=summary.strip(),
        background=background.strip(),
        audience=audience,
        is_anonymous=is_anonymous,
        opens_at=opens_at,
        closes_at=closes_at,
        template=template,
        created_by=created_by,
        is_synthetic=is_synthetic,
    )


def consultation_template(slug: str) -> dict[str, Any]:
    """A ready-made consultation read from data/templates/<slug>.yaml."""
    path = TEMPLATES_DIR / f"{slug}.yaml"
    if not slug.replace("_", "").isalnum() or not path.exists():
        raise ValidationError(f"There is no consultation template called “{slug}”.")
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


@transaction.atomic
def consultation_create_from_template(
    *,
    created_by: Any,
    landlord: Any,
    template: str,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    audience: str = Audience.LANDLORD_RESIDENTS,
    is_anonymous: bool = False,
    is_synthetic: bool = False,
) -> Consultation:
    """A draft with the template's text and questions, ready to change before publishing."""
    data = consultation_template(template)
    consultation = consultation_create(
        created_by=created_by,
        landlord=landlord,
        title=data["title"],
        summary=data["summary"],
        background=data["background"],
        audience=audience,
        is_anonymous=is_anonymous,
        opens_at=opens_at,
        closes_at=closes_at,
        template=data["slug"],
        is_synthetic=is_synthetic,
    )
    for question in data["questions"]:
        question_add(
            consultation=consultation,
            kind=question["kind"],
            text=question["text"],
            hint=question.get("hint", ""),
            required=bool(question.get("required", False)),
            options=question.get("options", []),
            rating_max=int(question.get("rating_max", 5)),
            rating_low_label=question.get("rating_low_label", "Very poor"),
            rating_high_label=question.get("rating_high_label", "Very good"),
        )
    return consultation


@transaction.atomic
def consultation_update(*, consultation: Consultation, **fields: Any) -> Consultation:
    """Change a consultation. Once published only the wording and the closing date change, and
    the closing date cannot move into the past (that would shut people out without warning)."""
    allowed = {
        "title",
        "summary",
        "background",
        "audience",
        "is_anonymous",
        "opens_at",
        "closes_at",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Cannot change {sorted(unknown)}")
    if consultation.published_at is not None:
        status = consultation.status
        if status not in (ConsultationStatus.SCHEDULED, ConsultationStatus.OPEN):
            raise ValidationError("A closed consultation cannot be changed.")
        changing = {name for name, value in fields.items() if getattr(consultation, name) != value}
        fixed = changing - EDITABLE_AFTER_PUBLISHING
        if fixed:
            raise ValidationError(
                "Once published, only the title, summary, background and closing date can change."
            )
        if "closes_at" in changing and fields["closes_at"] <= timezone.now():
            raise ValidationError({"closes_at": "The closing date must be in the future."})
    if "title" in fields and not str(fields["title"]).strip():
        raise ValidationError({"title": "Give the consultation a title."})
    _check_audience(
        landlord=consultation.landlord, audience=fields.get("audience", consultation.audience)
    )
    _check_dates(
        fields.get("opens_at", consultation.opens_at),
        fields.get("closes_at", consultation.closes_at),
    )
    changed = [name for name, value in fields.items() if getattr(consultation, name) != value]
    for name in changed:
        setattr(consultation, name, fields[name])
    if changed:
        consultation.save()
    return consultation


def _check_draft(consultation: Consultation) -> None:
    if consultation.published_at is not None:
        raise ValidationError(
            "Questions cannot change once the consultation is published: answers depend on them."
        )


def _clean_question_fields(
    *, kind: str, text: str, options: list[str], rating_max: int
) -> list[str]:
    if kind not in QuestionKind.values:
        raise ValidationError({"kind": "Choose the kind of question."})
    if not text.strip():
        raise ValidationError({"text": "Write the question."})
    cleaned = [option.strip() for option in options if option.strip()]
    if kind in OPTION_KINDS:
        if len(cleaned) < 2:
            raise ValidationError({"options": "Give at least two options, one on each line."})
        if len(set(cleaned)) != len(cleaned):
            raise ValidationError({"options": "Each option must be different."})
        if kind == QuestionKind.RANKING and len(cleaned) > 10:
            raise ValidationError({"options": "Ask people to put at most ten things in order."})
    else:
        cleaned = []
    if kind == QuestionKind.RATING and not 2 <= rating_max <= 10:
        raise ValidationError({"rating_max": "Ratings run from 1 to between 2 and 10."})
    return cleaned


@transaction.atomic
def question_add(
    *,
    consultation: Consultation,
    kind: str,
    text: str,
    hint: str = "",
    required: bool = False,
    options: list[str] | None = None,
    rating_max: int = 5,
    rating_low_label: str = "Very poor",
    rating_high_label: str = "Very good",
) -> Question:
    _check_draft(consultation)
    cleaned = _clean_question_fields(
        kind=kind, text=text, options=options or [], rating_max=rating_max
    )
    last = consultation.questions.order_by("-position").values_list("position", flat=True).first()
    return Question.objects.create(
        consultation=consultation,
        position=(last or 0) + 1,
        kind=kind,
        text=text.strip(),
        hint=hint.strip(),
        required=required,
        options=cleaned,
        rating_max=rating_max,
        rating_low_label=rating_low_label.strip(),
        rating_high_label=rating_high_label.strip(),
    )


@transaction.atomic
def question_update(
    *,
    question: Question,
    kind: str,
    text: str,
    hint: str = "",
    required: bool = False,
    options: list[str] | None = None,
    rating_max: int = 5,
    rating_low_label: str = "Very poor",
    rating_high_label: str = "Very good",
) -> Question:
    _check_draft(question.consultation)
    cleaned = _clean_question_fields(
        kind=kind, text=text, options=options or [], rating_max=rating_max
    )
    fields = {
        "kind": kind,
        "text": text.strip(),
        "hint": hint.strip(),
        "required": required,
        "options": cleaned,
        "rating_max": rating_max,
        "rating_low_label": rating_low_label.strip(),
        "rating_high_label": rating_high_label.strip(),
    }
    changed = [name for name, value in fields.items() if getattr(question, name) != value]
    for name in changed:
        setattr(question, name, fields[name])
    if changed:
        question.save()
    return question


@transaction.atomic
def question_delete(*, question: Question) -> None:
    _check_draft(question.consultation)
    question.delete()


@transaction.atomic
def question_move(*, question: Question, up: bool) -> None:
    """Swap a question with the one before (or after) it."""
    _check_draft(question.consultation)
    siblings = list(question.consultation.questions.order_by("position", "pk"))
    for number, sibling in enumerate(siblings, start=1):
        sibling.position = number
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == question.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(siblings):
        siblings[index].position, siblings[other].position = (
            siblings[other].position,
            siblings[index].position,
        )
    Question.objects.bulk_update(siblings, ["position"])


@transaction.atomic
def consultation_document_add(
    *, consultation: Consultation, title: str, file: UploadedFile
) -> ConsultationDocument:
    if consultation.status not in (
        ConsultationStatus.DRAFT,
        ConsultationStatus.SCHEDULED,
        ConsultationStatus.OPEN,
    ):
        raise ValidationError("Documents are added before the consultation closes.")
    if not title.strip():
        raise ValidationError({"title": "Give the document a title."})
    checked = upload_check(file, policy=DOCUMENTS)
    document = ConsultationDocument(consultation=consultation, title=title.strip())
    # Named by what it is, not by what it was called (see core/files/uploads.py).
    document.file.save(checked.stored_name(file.name or "document"), file, save=False)
    document.save()
    return document


@transaction.atomic
def consultation_publish(*, consultation: Consultation) -> Consultation:
    """Show a draft to its audience; it opens for answers at its opening time."""
    if consultation.published_at is not None:
        raise ValidationError("This consultation is already published.")
    if not consultation.questions.exists():
        raise ValidationError("Add at least one question before publishing.")
    if consultation.closes_at <= timezone.now():
        raise ValidationError({"closes_at": "The closing date has passed: change it first."})
    consultation.published_at = timezone.now()
    if consultation.is_anonymous:
        consultation.anonymity_salt = secrets.token_hex(32)
    consultation.save()
    return consultation


# Answers ---------------------------------------------------------------------------------------


def anonymous_key(consultation: Consultation, user: Any) -> str:
    """Lets an anonymous respondent find their own response while the consultation is open.

    Keyed with the site's secret and a salt that is erased when results are published; after
    that the key cannot be recomputed, so no response can be traced to any account.
    """
    if not consultation.anonymity_salt:
        return ""
    message = f"{consultation.pk}:{consultation.anonymity_salt}:{user.pk}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _as_list(raw: Any) -> list[str]:
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        return [raw]
    return [str(item) for item in raw]


def answer_clean(question: Question, raw: Any) -> Any:
    """The value to store for one answer, or None for no answer. Raises ValidationError."""
    kind = question.kind
    if kind == QuestionKind.FREE_TEXT:
        text = "" if raw is None else str(raw)
        if not text.strip():
            return None
        if len(text) > FREE_TEXT_LIMIT:
            raise ValidationError(f"Keep your answer under {FREE_TEXT_LIMIT:,} characters.")
        return text  # stored exactly as typed; escaped wherever it is shown
    if kind == QuestionKind.SINGLE_CHOICE:
        values = _as_list(raw)
        if not values:
            return None
        if len(values) != 1 or values[0] not in question.options:
            raise ValidationError("Choose one of the options.")
        return values[0]
    if kind == QuestionKind.MULTIPLE_CHOICE:
        values = _as_list(raw)
        if not values:
            return None
        if any(value not in question.options for value in values):
            raise ValidationError("Choose from the options given.")
        return [option for option in question.options if option in values]
    if kind == QuestionKind.RATING:
        if raw is None or raw == "":
            return None
        try:
            number = int(raw)
        except (TypeError, ValueError) as error:
            raise ValidationError(f"Choose a number from 1 to {question.rating_max}.") from error
        if not 1 <= number <= question.rating_max:
            raise ValidationError(f"Choose a number from 1 to {question.rating_max}.")
        return number
    if kind == QuestionKind.RANKING:
        values = _as_list(raw)
        if not values:
            return None
        if sorted(values) != sorted(question.options):
            raise ValidationError("Give each option a different place, from first to last.")
        return values
    raise ValidationError("This question cannot be answered.")


def _clean_answers(
    consultation: Consultation, answers: Mapping[int, Any], *, complete: bool
) -> dict[Question, Any]:
    questions = list(consultation.questions.all())
    cleaned: dict[Question, Any] = {}
    errors: dict[str, list[str]] = {}
    for question in questions:
        try:
            value = answer_clean(question, answers.get(question.pk))
        except ValidationError as error:
            errors[f"q_{question.pk}"] = error.messages
            continue
        if value is None:
            if complete and question.required:
                errors[f"q_{question.pk}"] = ["Answer this question."]
            continue
        cleaned[question] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def _write_answers(response: Response, cleaned: dict[Question, Any]) -> None:
    Answer.objects.filter(response=response).delete()
    Answer.objects.bulk_create(
        Answer(
            response=response,
            question=question,
            value=value,
            moderation=(
                Moderation.WAITING
                if question.kind == QuestionKind.FREE_TEXT
                else Moderation.NOT_NEEDED
            ),
        )
        for question, value in cleaned.items()
    )


def _response_for(consultation: Consultation, user: Any) -> Response:
    """The person's response, created if needed, locked for this transaction."""
    lookup: dict[str, Any]
    if consultation.is_anonymous:
        lookup = {"anonymous_key": anonymous_key(consultation, user)}
    else:
        lookup = {"respondent": user}
    try:
        with transaction.atomic():
            response, _ = Response.objects.get_or_create(consultation=consultation, **lookup)
    except IntegrityError:
        # Another request from the same person created it a moment ago.
        response = Response.objects.get(consultation=consultation, **lookup)
    return Response.objects.select_for_update().get(pk=response.pk)


def response_of(consultation: Consultation, user: Any) -> Response | None:
    """The person's own response, if they have one (anonymous ones found through the key)."""
    if user is None or not user.is_authenticated:
        return None
    if consultation.is_anonymous:
        key = anonymous_key(consultation, user)
        if not key:
            return None
        return Response.objects.filter(consultation=consultation, anonymous_key=key).first()
    return Response.objects.filter(consultation=consultation, respondent=user).first()


def _check_can_answer(consultation: Consultation, user: Any) -> None:
    if not audience_includes(consultation, user):
        raise ValidationError("This consultation is not open to you.")
    if consultation.status != ConsultationStatus.OPEN:
        raise ValidationError(
            "This consultation is not open for answers."
            if consultation.status in (ConsultationStatus.DRAFT, ConsultationStatus.SCHEDULED)
            else f"This consultation closed at {closing_time(consultation.closes_at)}."
        )


@transaction.atomic
def response_save(
    *,
    consultation: Consultation,
    user: Any,
    answers: Mapping[int, Any],
    submit: bool,
    follow: bool = False,
) -> Response:
    """Save a person's answers. Without `submit` it is kept to come back to; submitted answers
    can still be changed until the consultation closes. Nothing is saved if anything is wrong."""
    _check_can_answer(consultation, user)
    cleaned = _clean_answers(consultation, answers, complete=submit)
    if not cleaned and not submit:
        raise ValidationError("Answer at least one question before saving.")
    response = _response_for(consultation, user)
    _write_answers(response, cleaned)
    if submit and response.submitted_at is None:
        response.submitted_at = timezone.now()
    if consultation.is_anonymous:
        # No follower row now: it would be written in the same transaction as the response, and
        # the two could be matched. The wish is kept on the response (reachable only through the
        # keyed hash) and turned into a follow when the results are published.
        if follow:
            response.wants_outcome = True
        response.save()
        _keep_only_the_day(response)
    else:
        response.save()
        if follow:
            ConsultationFollower.objects.get_or_create(consultation=consultation, user=user)
    return response


def _keep_only_the_day(response: Response) -> None:
    """An anonymous response's times rounded down to the start of the day, in the same
    transaction: a moment could be matched with a sign-in or a follow; a day is shared with
    everyone else who answered that day."""

    def day(moment: datetime.datetime | None) -> datetime.datetime | None:
        if moment is None:
            return None
        return timezone.localtime(moment).replace(hour=0, minute=0, second=0, microsecond=0)

    response.created_at = day(response.created_at)  # type: ignore[assignment]
    response.updated_at = day(response.updated_at)  # type: ignore[assignment]
    response.submitted_at = day(response.submitted_at)
    Response.objects.filter(pk=response.pk).update(
        created_at=response.created_at,
        updated_at=response.updated_at,
        submitted_at=response.submitted_at,
    )


@transaction.atomic
def response_enter(
    *,
    consultation: Consultation,
    entered_by: Any,
    channel: str,
    answers: Mapping[int, Any],
    respondent: Any = None,
    reference: str = "",
) -> Response:
    """A response given on paper, by phone or in person, typed in by staff.

    Allowed while open and after closing until the results are published, since post takes time.
    In an anonymous consultation the respondent is never recorded.
    """
    if not is_staff_for(entered_by, consultation.landlord_id):
        raise ValidationError("Only the consultation's own staff can enter responses.")
    if channel not in Channel.values or channel == Channel.ONLINE:
        raise ValidationError({"channel": "Say how the response was given."})
    if consultation.status not in (ConsultationStatus.OPEN, ConsultationStatus.CLOSED):
        raise ValidationError(
            "Responses can be entered while the consultation is open, and after it closes until "
            "the results are published."
        )
    if consultation.is_anonymous:
        respondent = None
    if respondent is not None:
        if not audience_includes(consultation, respondent):
            raise ValidationError(
                {"respondent": "This person is not in the consultation's audience."}
            )
        if Response.objects.filter(consultation=consultation, respondent=respondent).exists():
            raise ValidationError({"respondent": "This person has already responded."})
    cleaned = _clean_answers(consultation, answers, complete=True)
    if not cleaned:
        raise ValidationError("Enter at least one answer.")
    response = Response.objects.create(
        consultation=consultation,
        respondent=respondent,
        channel=channel,
        entered_by=entered_by,
        reference=reference.strip(),
        submitted_at=timezone.now(),
    )
    _write_answers(response, cleaned)
    if consultation.is_anonymous:
        _keep_only_the_day(response)
    return response


@transaction.atomic
def consultation_follow(*, consultation: Consultation, user: Any, follow: bool = True) -> None:
    """Ask (or stop asking) to hear about the results and the outcome.

    In an anonymous consultation that is still open, someone who has answered is marked on their
    own response instead of getting a follower row, which could be matched with it."""
    response = response_of(consultation, user) if consultation.is_anonymous else None
    if response is not None:
        if response.wants_outcome != follow:
            Response.objects.filter(pk=response.pk).update(wants_outcome=follow)
        if follow:
            return
    if follow:
        ConsultationFollower.objects.get_or_create(consultation=consultation, user=user)
    else:
        ConsultationFollower.objects.filter(consultation=consultation, user=user).delete()


def _anonymous_follows_write(consultation: Consultation) -> None:
    """Before the key is erased: turn the marks on anonymous responses into follower rows, and
    write every follower row of the consultation again, all in one transaction and in order of
    account, so that nothing in them (number, order, the transaction) points at a response."""
    from django.contrib.auth import get_user_model

    wanted = set(
        Response.objects.filter(consultation=consultation, wants_outcome=True)
        .exclude(anonymous_key="")
        .values_list("anonymous_key", flat=True)
    )
    user_ids = set(consultation.followers.values_list("user_id", flat=True))
    if wanted:
        for user in get_user_model().objects.filter(is_active=True).only("pk"):
            if anonymous_key(consultation, user) in wanted:
                user_ids.add(user.pk)
    ConsultationFollower.objects.filter(consultation=consultation).delete()
    ConsultationFollower.objects.bulk_create(
        ConsultationFollower(consultation=consultation, user_id=user_id)
        for user_id in sorted(user_ids)
    )


@transaction.atomic
def format_request_create(
    *,
    consultation: Consultation,
    user: Any,
    format: str,
    details: str = "",
    contact: str = "",
) -> FormatRequest:
    """Ask for the consultation in another format; the landlord's staff are told."""
    if not audience_includes(consultation, user):
        raise ValidationError("This consultation is not open to you.")
    if consultation.status not in (ConsultationStatus.SCHEDULED, ConsultationStatus.OPEN):
        raise ValidationError("You can ask for another format while the consultation is open.")
    if format not in OtherFormat.values:
        raise ValidationError({"format": "Choose a format."})
    if format == OtherFormat.TRANSLATION and not details.strip():
        raise ValidationError({"details": "Say which language you need."})
    request, created = FormatRequest.objects.get_or_create(
        consultation=consultation,
        requested_by=user,
        format=format,
        defaults={"details": details.strip(), "contact": contact.strip()},
    )
    if not created:
        request.details, request.contact, request.handled_at = (
            details.strip(),
            contact.strip(),
            None,
        )
        request.save()
    notification_send(
        users=landlord_staff(consultation.landlord_id),
        subject=f"Request for {OtherFormat(format).label.lower()}: {consultation.title}",
        body=(
            f"A resident asked for “{consultation.title}” as: {OtherFormat(format).label}."
            + (f" Details: {details.strip()}" if details.strip() else "")
        ),
        url=reverse("participation:consultation-formats", kwargs={"pk": consultation.pk}),
        topic="consultations",
    )
    return request


@transaction.atomic
def format_request_handle(*, request: FormatRequest, handled_by: Any) -> FormatRequest:
    if request.handled_at is None:
        request.handled_at = timezone.now()
        request.handled_by = handled_by
        request.save()
    return request


# After closing -------------------------------------------------------------------------------


def _check_closed(consultation: Consultation) -> None:
    if consultation.published_at is None or consultation.closes_at > timezone.now():
        raise ValidationError("This can only be done once the consultation has closed.")


@transaction.atomic
def answer_moderate(*, answer: Answer, moderated_by: Any, approve: bool) -> Answer:
    """Approve a free-text answer for publication, or keep it off the public results."""
    if answer.question.kind != QuestionKind.FREE_TEXT:
        raise ValidationError("Only free-text answers are moderated.")
    _check_closed(answer.question.consultation)
    answer.moderation = Moderation.APPROVED if approve else Moderation.HIDDEN
    answer.moderated_by = moderated_by
    answer.moderated_at = timezone.now()
    answer.save()
    return answer


def _participants(consultation: Consultation) -> list[Any]:
    """Who took part and can be told: named respondents and anyone following."""
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            pk__in=list(
                Response.objects.filter(
                    consultation=consultation,
                    respondent__isnull=False,
                    submitted_at__isnull=False,
                ).values_list("respondent_id", flat=True)
            )
            + list(consultation.followers.values_list("user_id", flat=True))
        )
    )


@transaction.atomic
def consultation_results_publish(*, consultation: Consultation) -> Consultation:
    """Publish the results. Unfinished drafts are dropped, and the anonymity salt is erased so
    that no anonymous response can ever be traced to an account."""
    _check_closed(consultation)
    if consultation.results_published_at is not None:
        raise ValidationError("The results are already published.")
    Response.objects.filter(consultation=consultation, submitted_at__isnull=True).delete()
    if consultation.is_anonymous:
        _anonymous_follows_write(consultation)
    Response.objects.filter(consultation=consultation).exclude(
        anonymous_key="", wants_outcome=False
    ).update(anonymous_key="", wants_outcome=False)
    consultation.anonymity_salt = ""
    consultation.results_published_at = timezone.now()
    consultation.save()
    notification_send(
        users=_participants(consultation),
        subject=f"Results published: {consultation.title}",
        body=(
            f"The results of “{consultation.title}” are published. {consultation.run_by} will "
            "also publish how your views were considered."
        ),
        url=reverse("participation:consultation-results", kwargs={"pk": consultation.pk}),
        topic="consultations",
    )
    return consultation


@transaction.atomic
def consultation_outcome_publish(
    *,
    consultation: Consultation,
    said_summary: str,
    considered: str,
    actions: str,
    status: str,
) -> Consultation:
    """Say how residents' views were considered; only then is the consultation complete.

    It goes into the "you said, we did" register, and everyone who took part is told. Publishing
    again updates both, and people hear about it if the status changed.
    """
    if consultation.results_published_at is None:
        raise ValidationError("Publish the results first.")
    errors = {}
    if not said_summary.strip():
        errors["said_summary"] = "Summarise what residents told you."
    if not considered.strip():
        errors["considered"] = "Explain how residents' views were considered."
    if status not in RegisterStatus.values or status == RegisterStatus.WAITING:
        errors["outcome_status"] = "Say where things stand."
    if errors:
        raise ValidationError(errors)
    first_time = consultation.outcome_published_at is None
    status_changed = consultation.outcome_status != status
    consultation.said_summary = said_summary.strip()
    consultation.considered = considered.strip()
    consultation.actions = actions.strip()
    consultation.outcome_status = status
    if first_time:
        consultation.outcome_published_at = timezone.now()
    consultation.save()
    register_entry_record(
        landlord=consultation.landlord,
        source_kind=SourceKind.CONSULTATION,
        source_id=consultation.pk,
        title=consultation.title,
        residents_said=consultation.said_summary,
        decision=consultation.considered,
        reason="",
        action_taken=consultation.actions,
        status=status,
        is_public=True,
        date=timezone.localdate(consultation.outcome_published_at),
        url=consultation.get_absolute_url(),
        is_synthetic=consultation.is_synthetic,
    )
    if first_time or status_changed:
        label = RegisterStatus(status).label
        notification_send(
            users=_participants(consultation),
            subject=(
                f"How your views were considered: {consultation.title}"
                if first_time
                else f"Update ({label.lower()}): {consultation.title}"
            ),
            body=f"{consultation.run_by} has said what it is doing about “{consultation.title}”. "
            f"Status: {label}.",
            url=consultation.get_absolute_url(),
            topic="consultations",
        )
    return consultation
