"""Everything a person contributed, for them to download (a subject access request, self-served).

Responses to anonymous consultations are included only while the consultation is open and the
person can still reach them; after the results are published nothing links them to anyone.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from residentvoice.assessment.selectors import reality_checks_of

from ..models import (
    Consultation,
    ContentReport,
    DataRequest,
    FormatRequest,
    PanelDocument,
    PanelMember,
    RecommendationStatusChange,
    Response,
    ReviewStageChange,
    TopicProposal,
    TopicVote,
)


def _when(moment: Any) -> str:
    if moment is None:
        return ""
    if hasattr(moment, "tzinfo"):
        return timezone.localtime(moment).isoformat(timespec="seconds")
    return str(moment.isoformat())


def _response_data(response: Response, *, anonymous: bool) -> dict[str, Any]:
    return {
        "consultation": response.consultation.title,
        "consultation_id": response.consultation_id,
        "anonymous": anonymous,
        "how": response.get_channel_display(),
        "started": _when(response.created_at),
        "submitted": _when(response.submitted_at),
        **({"asked_to_hear_the_outcome": response.wants_outcome} if anonymous else {}),
        "answers": [
            {"question": answer.question.text, "answer": answer.value}
            for answer in response.answers.all()
        ],
    }


def contributions_of(user: Any) -> dict[str, Any]:
    """A plain dictionary of the person's contributions, ready for JSON."""
    from ..services.consultations import anonymous_key

    responses = [
        _response_data(response, anonymous=False)
        for response in Response.objects.filter(respondent=user)
        .select_related("consultation")
        .prefetch_related("answers__question")
    ]
    for consultation in Consultation.objects.filter(is_anonymous=True).exclude(anonymity_salt=""):
        key = anonymous_key(consultation, user)
        for response in (
            Response.objects.filter(consultation=consultation, anonymous_key=key)
            .select_related("consultation")
            .prefetch_related("answers__question")
        ):
            responses.append(_response_data(response, anonymous=True))
    return {
        "account": {
            "name": user.full_name,
            "email": user.email,
            "joined": _when(user.date_joined),
        },
        "consultation_responses": responses,
        "format_requests": [
            {
                "consultation": request.consultation.title,
                "format": request.get_format_display(),
                "details": request.details,
                "contact": request.contact,
                "asked": _when(request.created_at),
            }
            for request in FormatRequest.objects.filter(requested_by=user).select_related(
                "consultation"
            )
        ],
        "consultations_followed": list(
            user.consultations_followed.values_list("consultation__title", flat=True)
        ),
        "scrutiny_topics_proposed": [
            {
                "round": proposal.round.title,
                "title": proposal.title,
                "description": proposal.description,
                "proposed": _when(proposal.created_at),
            }
            for proposal in TopicProposal.objects.filter(proposed_by=user).select_related("round")
        ],
        "scrutiny_votes": [
            {
                "round": vote.round.title,
                "voted_for": vote.proposal.title,
                "voted": _when(vote.cast_at),
            }
            for vote in TopicVote.objects.filter(voter=user).select_related("round", "proposal")
        ],
        "panel_memberships": [
            {
                "panel": member.panel.name,
                "role": member.get_role_display(),
                "joined": _when(member.joined_on),
                "left": _when(member.left_on),
                "meetings": [
                    {"meeting": a.meeting.title, "attendance": a.get_status_display()}
                    for a in member.attendance.select_related("meeting")
                ],
            }
            for member in PanelMember.objects.filter(user=user).select_related("panel")
        ],
        "panel_documents_added": [
            {"panel": document.panel.name, "title": document.title, "notes": document.notes}
            for document in PanelDocument.objects.filter(uploaded_by=user).select_related("panel")
        ],
        "reports_made": [
            {
                "about": report.get_kind_display(),
                "reason": report.reason,
                "made": _when(report.created_at),
            }
            for report in ContentReport.objects.filter(reporter=user)
        ],
        "reality_checks": [
            {**check, "given": _when(check["given"]), "changed": _when(check["changed"])}
            for check in reality_checks_of(user)
        ],
        "information_asked_for": [
            {
                "review": request.review.title,
                "question": request.question,
                "needed_by": _when(request.due_on),
                "asked": _when(request.created_at),
            }
            for request in DataRequest.objects.filter(asked_by=user).select_related("review")
        ],
        "challenges_made": [
            {
                "review": change.recommendation.review.title,
                "recommendation": change.recommendation.number,
                "reason": change.reason,
                "made": _when(change.changed_at),
            }
            for change in RecommendationStatusChange.objects.filter(
                changed_by=user, is_challenge=True
            ).select_related("recommendation__review")
        ],
        "review_stage_moves": [
            {
                "review": change.review.title,
                "moved_to": change.get_stage_display(),
                "note": change.note,
                "moved": _when(change.changed_at),
            }
            for change in ReviewStageChange.objects.filter(changed_by=user).select_related("review")
        ],
    }


def contributions_rows(data: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """The same contributions flattened for a spreadsheet: section, date, about, detail."""
    rows: list[tuple[str, str, str, str]] = []
    for response in data["consultation_responses"]:
        for answer in response["answers"]:
            value = answer["answer"]
            if isinstance(value, list):
                value = "; ".join(str(item) for item in value)
            rows.append(
                (
                    "Consultation answer" + (" (anonymous)" if response["anonymous"] else ""),
                    response["submitted"] or response["started"],
                    f"{response['consultation']}: {answer['question']}",
                    str(value),
                )
            )
    for request in data["format_requests"]:
        rows.append(
            (
                "Request for another format",
                request["asked"],
                request["consultation"],
                f"{request['format']} {request['details']} {request['contact']}".strip(),
            )
        )
    for title in data["consultations_followed"]:
        rows.append(("Following", "", title, ""))
    for proposal in data["scrutiny_topics_proposed"]:
        rows.append(
            (
                "Scrutiny topic proposed",
                proposal["proposed"],
                proposal["round"],
                f"{proposal['title']}: {proposal['description']}",
            )
        )
    for vote in data["scrutiny_votes"]:
        rows.append(("Scrutiny vote", vote["voted"], vote["round"], vote["voted_for"]))
    for member in data["panel_memberships"]:
        rows.append(("Panel membership", member["joined"], member["panel"], member["role"]))
        for meeting in member["meetings"]:
            rows.append(("Panel meeting", "", meeting["meeting"], meeting["attendance"]))
    for document in data["panel_documents_added"]:
        rows.append(
            (
                "Panel document",
                "",
                document["panel"],
                f"{document['title']} {document['notes']}".strip(),
            )
        )
    for report in data["reports_made"]:
        rows.append(("Report made", report["made"], report["about"], report["reason"]))
    for check in data["reality_checks"]:
        detail = check["answer"] + (f": {check['comment']}" if check["comment"] else "")
        rows.append(
            (
                "Reality check",
                check["given"],
                f"{check['landlord']}, {check['year']}, commitment {check['commitment']}",
                detail,
            )
        )
    for request in data["information_asked_for"]:
        rows.append(
            ("Information asked for", request["asked"], request["review"], request["question"])
        )
    for challenge in data["challenges_made"]:
        rows.append(
            (
                "Challenge to an action marked done",
                challenge["made"],
                f"{challenge['review']}: recommendation {challenge['recommendation']}",
                challenge["reason"],
            )
        )
    for move in data["review_stage_moves"]:
        rows.append(
            (
                "Review moved on",
                move["moved"],
                move["review"],
                f"{move['moved_to']} {move['note']}".strip(),
            )
        )
    return rows
