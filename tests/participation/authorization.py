"""Participation pages in the site-wide authorization matrix (tests/core/test_authorization.py).

The fixtures: the landlord's resident is the chair of its scrutiny panel; consultations are for
the landlord's verified residents only. test_views.py covers the second cases (a resident who is
not on the panel, a closed consultation, another landlord's staff) that the matrix's one case per
URL cannot.
"""

from __future__ import annotations

from typing import Any

from residentvoice.participation import services
from residentvoice.participation.models import Moderation, QuestionKind, RegisterEntry

from ..matrix import EVERYONE_OK, LOGIN, OK, REDIRECT, only, signed_in_only
from . import builders

LANDLORD_STAFF = ("landlord_officer", "landlord_admin")
ALL_STAFF = (*LANDLORD_STAFF, "other_landlord_admin", "council_officer", "council_admin")


def posted(expected: dict[str, Any]) -> dict[str, Any]:
    """A POST that is allowed redirects back to a page."""
    return {role: REDIRECT if result == OK else result for role, result in expected.items()}


def _open(ctx: dict[str, Any]) -> dict[str, Any]:
    return {"pk": builders.consultation_open(landlord=ctx["landlord"]).pk}


def _draft_question(ctx: dict[str, Any]) -> dict[str, Any]:
    consultation = services.consultation_create(
        created_by=None,
        landlord=ctx["landlord"],
        title="Draft",
        summary="Draft",
        background="Draft",
        audience="landlord_residents",
        is_anonymous=False,
        opens_at=builders.timezone.now(),
        closes_at=builders.timezone.now() + builders.DAY,
    )
    question = services.question_add(
        consultation=consultation, kind=QuestionKind.FREE_TEXT, text="Why?"
    )
    return {"pk": question.pk}


def _draft(ctx: dict[str, Any]) -> dict[str, Any]:
    question = _draft_question(ctx)
    from residentvoice.participation.models import Question

    return {"pk": Question.objects.get(pk=question["pk"]).consultation_id}


def _document(ctx: dict[str, Any]) -> dict[str, Any]:
    consultation = builders.consultation_open(landlord=ctx["landlord"])
    return {"pk": consultation.pk, "document": builders.consultation_document(consultation).pk}


def _closed(ctx: dict[str, Any]) -> dict[str, Any]:
    return {"pk": builders.close(builders.consultation_open(landlord=ctx["landlord"])).pk}


def _results(ctx: dict[str, Any]) -> dict[str, Any]:
    consultation = builders.consultation_with_results(
        landlord=ctx["landlord"], respondents=[ctx["people"]["resident"]]
    )
    return {"pk": consultation.pk}


def _panel(ctx: dict[str, Any]) -> Any:
    return builders.panel_with_chair(landlord=ctx["landlord"], chair=ctx["people"]["resident"])


def _panel_pk(ctx: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _panel(ctx).pk}


def _member(ctx: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _panel(ctx).members.get().pk}


def _meeting(ctx: dict[str, Any]) -> dict[str, Any]:
    meeting = services.meeting_create(
        panel=_panel(ctx), title="Panel meeting", held_at=builders.timezone.now()
    )
    return {"pk": meeting.pk}


def _panel_document(ctx: dict[str, Any]) -> dict[str, Any]:
    return {"pk": builders.panel_notes(_panel(ctx), ctx["people"]["landlord_officer"]).pk}


def _round(ctx: dict[str, Any]) -> dict[str, Any]:
    return {"pk": builders.topic_round(_panel(ctx)).pk}


def _proposal(ctx: dict[str, Any]) -> dict[str, Any]:
    topic_round = builders.topic_round(_panel(ctx))
    proposal = services.topic_propose(
        round=topic_round,
        user=ctx["people"]["resident"],
        title="Repairs",
        description="Repairs are slow.",
    )
    return {"pk": proposal.pk}


def _review(ctx: dict[str, Any], stage: str = "answering") -> Any:
    return builders.review_with_recommendations(
        panel=_panel(ctx), by=ctx["people"]["resident"], stage=stage
    )


def _review_pk(ctx: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _review(ctx).pk}


def _review_in_report(ctx: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _review(ctx, stage="report").pk}


def _draft_recommendation(ctx: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _review(ctx, stage="report").recommendations.first().pk}


def _recommendation(ctx: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _review(ctx).recommendations.first().pk}


def _accepted(ctx: dict[str, Any]) -> dict[str, Any]:
    recommendation = _review(ctx).recommendations.first()
    services.recommendation_answer(
        recommendation=recommendation,
        answered_by=ctx["people"]["landlord_officer"],
        answer="accepted",
        owner="Head of repairs",
        due_on=builders.timezone.localdate() + builders.DAY * 30,
    )
    return {"pk": recommendation.pk}


def _done(ctx: dict[str, Any]) -> dict[str, Any]:
    found = _accepted(ctx)
    from residentvoice.participation.models import Recommendation

    services.action_progress_add(
        recommendation=Recommendation.objects.get(pk=found["pk"]),
        added_by=ctx["people"]["landlord_officer"],
        percent=100,
        milestone="Finished",
    )
    return found


def _data_request(ctx: dict[str, Any]) -> dict[str, Any]:
    review = _review(ctx, stage="evidence")
    request = services.data_request_create(
        review=review,
        question="How many complaints?",
        due_on=builders.timezone.localdate() + builders.DAY * 7,
        asked_by=ctx["people"]["resident"],
    )
    return {"pk": request.pk}


def _entry(ctx: dict[str, Any]) -> RegisterEntry:
    return services.register_entry_record(
        landlord=ctx["landlord"],
        source_kind="other",
        source_id="matrix",
        residents_said="Residents asked for brighter stairwells.",
        decision="Agreed.",
        reason="",
        action_taken="New lights fitted.",
        status="done",
        is_public=True,
        date=builders.timezone.localdate(),
    )


def _entry_pk(ctx: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _entry(ctx).pk}


def _approved_answer(ctx: dict[str, Any]) -> dict[str, Any]:
    consultation = builders.consultation_with_results(
        landlord=ctx["landlord"], respondents=[ctx["people"]["resident"]]
    )
    from residentvoice.participation.models import Answer

    answer = Answer.objects.get(question__consultation=consultation, moderation=Moderation.APPROVED)
    return {"kind": "answer", "object_id": answer.pk}


def _report(ctx: dict[str, Any]) -> dict[str, Any]:
    entry = _entry(ctx)
    report = services.content_report_create(
        kind="register_entry", object_id=entry.pk, reason="It is not true."
    )
    return {"pk": report.pk}


def _reviewer_ok() -> dict[str, Any]:
    """The panel (the matrix's resident chairs it) and the landlord's staff, who support it."""
    return only("resident", *LANDLORD_STAFF)


# name -> (how to build its kwargs, HTTP method, expected result per role)
MATRIX: dict[str, tuple[Any, str, dict[str, Any]]] = {
    # Consultations, public side
    "participation:consultation-list": (None, "get", EVERYONE_OK),
    "participation:consultation-detail": (_open, "get", EVERYONE_OK),
    "participation:consultation-document": (_document, "get", EVERYONE_OK),
    "participation:consultation-answer": (_open, "get", only("resident")),
    "participation:consultation-other-format": (_open, "get", only("resident")),
    "participation:consultation-follow": (
        _open,
        "post",
        {role: LOGIN if role == "public" else REDIRECT for role in EVERYONE_OK},
    ),
    "participation:consultation-results": (_results, "get", EVERYONE_OK),
    # Consultations, staff side
    "participation:manage-consultations": (None, "get", only(*ALL_STAFF)),
    "participation:consultation-create": (None, "get", only(*ALL_STAFF)),
    "participation:consultation-from-template": (None, "get", only(*ALL_STAFF)),
    "participation:consultation-manage": (_open, "get", only(*LANDLORD_STAFF)),
    "participation:consultation-edit": (_draft, "get", only(*LANDLORD_STAFF)),
    "participation:question-add": (_draft, "get", only(*LANDLORD_STAFF)),
    "participation:question-edit": (_draft_question, "get", only(*LANDLORD_STAFF)),
    "participation:question-delete": (_draft_question, "post", posted(only(*LANDLORD_STAFF))),
    "participation:question-move": (_draft_question, "post", posted(only(*LANDLORD_STAFF))),
    "participation:consultation-document-add": (_draft, "get", only(*LANDLORD_STAFF)),
    "participation:consultation-publish": (_draft, "post", posted(only(*LANDLORD_STAFF))),
    "participation:consultation-paper": (_open, "get", only(*LANDLORD_STAFF)),
    "participation:consultation-formats": (_open, "get", only(*LANDLORD_STAFF)),
    "participation:consultation-moderate": (_closed, "get", only(*LANDLORD_STAFF)),
    "participation:consultation-results-publish": (
        _closed,
        "post",
        posted(only(*LANDLORD_STAFF)),
    ),
    "participation:consultation-outcome": (_results, "get", only(*LANDLORD_STAFF)),
    # Scrutiny
    "participation:panel-list": (None, "get", EVERYONE_OK),
    "participation:panel-create": (
        None,
        "get",
        only("landlord_officer", "landlord_admin", "other_landlord_admin"),
    ),
    "participation:panel-detail": (_panel_pk, "get", EVERYONE_OK),
    "participation:panel-edit": (_panel_pk, "get", only(*LANDLORD_STAFF)),
    "participation:panel-members": (_panel_pk, "get", only(*LANDLORD_STAFF)),
    "participation:member-edit": (_member, "get", only(*LANDLORD_STAFF)),
    "participation:meeting-create": (_panel_pk, "get", _reviewer_ok()),
    "participation:meeting-detail": (_meeting, "get", _reviewer_ok()),
    "participation:meeting-edit": (_meeting, "get", _reviewer_ok()),
    "participation:document-list": (_panel_pk, "get", _reviewer_ok()),
    "participation:document-add": (_panel_pk, "get", _reviewer_ok()),
    "participation:document-download": (_panel_document, "get", _reviewer_ok()),
    "participation:round-create": (_panel_pk, "get", _reviewer_ok()),
    "participation:round-detail": (
        _round,
        "get",
        only("resident", *LANDLORD_STAFF, "council_officer", "council_admin"),
    ),
    "participation:topic-propose": (_round, "get", only("resident")),
    # The panel decides: its chair (the matrix's resident) chooses the topic...
    "participation:round-decide": (_round, "get", only("resident")),
    "participation:topic-vote": (_proposal, "post", posted(only("resident"))),
    "participation:review-create": (_panel_pk, "get", only("resident")),
    "participation:review-detail": (_review_pk, "get", EVERYONE_OK),
    # ...and the review's scope, report and stages are the panel's; the landlord's staff move a
    # review only from "landlord answering" (test_views.py covers that case).
    "participation:review-edit": (_review_in_report, "get", only("resident")),
    "participation:review-stage": (_review_in_report, "get", only("resident")),
    "participation:recommendation-add": (_review_in_report, "get", only("resident")),
    "participation:data-request-create": (_review_in_report, "get", only("resident")),
    "participation:data-request-answer": (_data_request, "get", only(*LANDLORD_STAFF)),
    "participation:recommendation-edit": (_draft_recommendation, "get", only("resident")),
    "participation:recommendation-answer": (_recommendation, "get", only(*LANDLORD_STAFF)),
    "participation:recommendation-progress": (_accepted, "get", only(*LANDLORD_STAFF)),
    "participation:recommendation-challenge": (_done, "get", only("resident")),
    "participation:overdue": (lambda ctx: _panel(ctx) and {}, "get", only("resident", *ALL_STAFF)),
    # You said, we did
    "participation:register": (None, "get", EVERYONE_OK),
    "participation:register-feed": (None, "get", EVERYONE_OK),
    "participation:register-csv": (None, "get", EVERYONE_OK),
    "participation:register-entry": (_entry_pk, "get", EVERYONE_OK),
    "participation:register-landlord": (
        lambda ctx: {"slug": ctx["landlord"].slug},
        "get",
        EVERYONE_OK,
    ),
    "participation:report-content": (_approved_answer, "get", EVERYONE_OK),
    "participation:report-list": (None, "get", only(*ALL_STAFF)),
    "participation:report-resolve": (
        _report,
        "post",
        posted(only(*LANDLORD_STAFF, "council_officer", "council_admin")),
    ),
    # A resident's own contributions
    "participation:my-contributions": (None, "get", signed_in_only()),
    "participation:my-contributions-download": (
        lambda ctx: {"fmt": "json"},
        "get",
        signed_in_only(),
    ),
    "participation:account-delete": (None, "get", signed_in_only()),
}
