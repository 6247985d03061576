"""Consultation pages: the public list and page, answering, other formats, results; and the
staff pages to set one up, enter paper responses, moderate, publish results and the outcome."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from residentvoice.accounts.selectors import membership_of
from residentvoice.core.files.uploads import upload_response
from residentvoice.core.formats import closing_time
from residentvoice.core.forms import form_errors_from
from residentvoice.core.permissions import permission_required

from .. import forms, services
from ..charts import bar_chart_svg, svg_data_uri
from ..models import (
    Answer,
    Consultation,
    ConsultationDocument,
    ConsultationStatus,
    FormatRequest,
    Question,
    QuestionKind,
    ReportedKind,
)
from ..selectors import consultations as selectors
from ..selectors.consultations import audience_includes
from .access import visible_if
from .pages import form_page, posted_id


def _consultation(request: HttpRequest, pk: int, **_: Any) -> Consultation:
    """The consultation, read once per request (the permission check and the view share it)."""
    cached = getattr(request, "_rv_consultation", None)
    if cached is None or cached.pk != pk:
        cached = get_object_or_404(Consultation.objects.select_related("landlord"), pk=pk)
        request._rv_consultation = cached  # type: ignore[attr-defined]
    return cached


def _question(request: HttpRequest, pk: int, **_: Any) -> Consultation:
    question = get_object_or_404(Question.objects.select_related("consultation__landlord"), pk=pk)
    request.question = question  # type: ignore[attr-defined]
    return question.consultation


def consultation_list(request: HttpRequest) -> HttpResponse:
    open_now = selectors.consultations_open_for(request.user)
    return render(
        request,
        "participation/consultation_list.html",
        {
            "open_now": [(c, audience_includes(c, request.user)) for c in open_now],
            "upcoming": selectors.consultations_upcoming(),
            "closed": selectors.consultations_closed()[:50],
        },
    )


@visible_if("participation.view_consultation", _consultation)
def consultation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    response = services.response_of(consultation, request.user)
    return render(
        request,
        "participation/consultation_detail.html",
        {
            "consultation": consultation,
            "status": consultation.status,
            "documents": consultation.documents.all(),
            "can_answer": audience_includes(consultation, request.user),
            "response": response,
            "following": selectors.is_following(consultation, request.user),
            "can_manage": request.user.has_perm("participation.change_consultation", consultation),
        },
    )


@visible_if("participation.view_consultation", _consultation)
def consultation_document(request: HttpRequest, pk: int, document: int) -> HttpResponse:
    found = get_object_or_404(ConsultationDocument, pk=document, consultation_id=pk)
    return upload_response(found.file)


@permission_required("participation.answer_consultation", _consultation)
def consultation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    if consultation.status != ConsultationStatus.OPEN:
        return render(
            request,
            "participation/consultation_closed.html",
            {"consultation": consultation, "status": consultation.status},
            status=403,
        )
    questions = selectors.consultation_questions(consultation)
    existing = services.response_of(consultation, request.user)
    submitting = request.POST.get("action") == "submit"
    if request.method == "POST":
        form = forms.AnswerForm(request.POST, questions=questions, complete=submitting)
        follow_form = forms.FollowForm(request.POST)
        if form.is_valid() and follow_form.is_valid():
            try:
                services.response_save(
                    consultation=consultation,
                    user=request.user,
                    answers=form.answers(),
                    submit=submitting,
                    follow=follow_form.cleaned_data["follow"],
                )
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                if submitting:
                    messages.success(
                        request,
                        "Thank you: your answers are sent. You can change them until it "
                        f"closes at {closing_time(consultation.closes_at)}.",
                    )
                else:
                    messages.success(
                        request,
                        "Your answers are saved. Come back to finish and send them before "
                        f"it closes at {closing_time(consultation.closes_at)}.",
                    )
                return redirect("participation:consultation-detail", pk=consultation.pk)
    else:
        initial = forms.AnswerForm.initial_from(selectors.response_answers(existing), questions)
        form = forms.AnswerForm(initial=initial, questions=questions)
        follow_form = forms.FollowForm()
    return render(
        request,
        "participation/consultation_answer.html",
        {
            "consultation": consultation,
            "form": form,
            "follow_form": follow_form,
            "response": existing,
            "ranking_fields": {f"q_{q.pk}" for q in questions if q.kind == QuestionKind.RANKING},
        },
    )


@permission_required("participation.answer_consultation", _consultation)
def consultation_format(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    form = forms.FormatRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.format_request_create(
                consultation=consultation,
                user=request.user,
                format=form.cleaned_data["format"],
                details=form.cleaned_data["details"],
                contact=form.cleaned_data["contact"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request, f"Your request is sent. {consultation.run_by} will contact you."
            )
            return redirect("participation:consultation-detail", pk=consultation.pk)
    return form_page(
        request,
        form,
        heading="Ask for another format",
        caption=consultation.title,
        intro="Tell us how you would like to take part and we will arrange it.",
        submit="Send request",
        back=consultation.get_absolute_url(),
    )


@permission_required("participation.view_consultation", _consultation)
@require_POST
def consultation_follow(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    follow = request.POST.get("follow") == "1"
    services.consultation_follow(consultation=consultation, user=request.user, follow=follow)
    messages.success(
        request,
        "We will tell you when the results are out."
        if follow
        else "You will no longer hear about this consultation.",
    )
    return redirect("participation:consultation-detail", pk=consultation.pk)


def _charts(results: selectors.ConsultationResults) -> list[dict[str, Any]]:
    shown = []
    for result in results.questions:
        kind = result.question.kind
        chart = None
        if kind != QuestionKind.FREE_TEXT and result.answered:
            title = (
                "Average place (1 is most important)"
                if kind == QuestionKind.RANKING
                else "Responses"
            )
            chart = svg_data_uri(
                bar_chart_svg(
                    rows=result.chart_rows,
                    value_title=title,
                    whole_numbers=kind != QuestionKind.RANKING,
                )
            )
        shown.append({"result": result, "chart": chart})
    return shown


@visible_if("participation.view_results", _consultation)
def consultation_results(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    if consultation.closes_at > timezone.now():
        raise Http404("Results appear once the consultation has closed")
    results = selectors.consultation_results(consultation)
    return render(
        request,
        "participation/consultation_results.html",
        {
            "consultation": consultation,
            "results": results,
            "shown": _charts(results),
            "preview": consultation.results_published_at is None,
            "report_kind": ReportedKind.ANSWER,
        },
    )


# Staff ------------------------------------------------------------------------------------------


def _staff_landlord(request: HttpRequest) -> Any:
    membership = membership_of(request.user)
    return membership.landlord if membership is not None and membership.is_landlord_staff else None


@permission_required("participation.manage_consultations")
def manage_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "participation/manage_list.html",
        {
            "consultations": selectors.consultations_managed_by(request.user),
            "landlord": _staff_landlord(request),
        },
    )


@permission_required("participation.manage_consultations")
def consultation_create(request: HttpRequest) -> HttpResponse:
    landlord = _staff_landlord(request)
    form = forms.ConsultationForm(request.POST or None, landlord=landlord)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consultation = services.consultation_create(
                created_by=request.user,
                landlord=landlord,
                title=data["title"],
                summary=data["summary"],
                background=data["background"],
                audience=data["audience"],
                is_anonymous=data["is_anonymous"],
                opens_at=forms.start_of(data["opens_on"]),
                closes_at=forms.end_of(data["closes_on"]),
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, "Consultation saved as a draft. Now add its questions.")
            return redirect("participation:consultation-manage", pk=consultation.pk)
    return form_page(
        request,
        form,
        heading="Set up a consultation",
        caption=landlord.name if landlord else "The council",
        submit="Save as a draft",
        back=reverse("participation:manage-consultations"),
    )


@permission_required("participation.manage_consultations")
def consultation_from_template(request: HttpRequest) -> HttpResponse:
    landlord = _staff_landlord(request)
    template = services.consultations.consultation_template("participation_strategy")
    form = forms.TemplateForm(
        request.POST or None, landlord=landlord, initial={"audience": "landlord_residents"}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consultation = services.consultation_create_from_template(
                created_by=request.user,
                landlord=landlord,
                template="participation_strategy",
                audience=data["audience"],
                is_anonymous=data["is_anonymous"],
                opens_at=forms.start_of(data["opens_on"]),
                closes_at=forms.end_of(data["closes_on"]),
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request, "Draft made from the template. Change anything before you publish it."
            )
            return redirect("participation:consultation-manage", pk=consultation.pk)
    return render(
        request,
        "participation/template_form.html",
        {
            "form": form,
            "heading": f"Start from the template: {template['title']}",
            "template": template,
        },
    )


@permission_required("participation.change_consultation", _consultation)
def consultation_manage(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    results = selectors.consultation_results(consultation, include_unmoderated=True)
    return render(
        request,
        "participation/consultation_manage.html",
        {
            "consultation": consultation,
            "status": consultation.status,
            "questions": selectors.consultation_questions(consultation),
            "documents": consultation.documents.all(),
            "results": results,
            "waiting_texts": sum(r.waiting for r in results.questions),
            "formats_waiting": consultation.format_requests.filter(handled_at__isnull=True).count(),
            "is_draft": consultation.published_at is None,
        },
    )


@permission_required("participation.change_consultation", _consultation)
def consultation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    initial = {
        "title": consultation.title,
        "summary": consultation.summary,
        "background": consultation.background,
        "audience": consultation.audience,
        "is_anonymous": consultation.is_anonymous,
        "opens_on": timezone.localdate(consultation.opens_at),
        "closes_on": timezone.localdate(consultation.closes_at),
    }
    form = forms.ConsultationForm(
        request.POST or None, initial=initial, landlord=consultation.landlord
    )
    if consultation.published_at is not None:
        for name in ("audience", "is_anonymous", "opens_on"):
            form.fields[name].disabled = True  # fixed once published; the form shows them
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            "title": data["title"],
            "summary": data["summary"],
            "background": data["background"],
            "audience": data["audience"],
            "is_anonymous": data["is_anonymous"],
            # A day left as it was keeps the moment stored (which need not be midnight).
            "opens_at": consultation.opens_at
            if timezone.localdate(consultation.opens_at) == data["opens_on"]
            else forms.start_of(data["opens_on"]),
            "closes_at": consultation.closes_at
            if timezone.localdate(consultation.closes_at) == data["closes_on"]
            else forms.end_of(data["closes_on"]),
        }
        if consultation.published_at is not None:
            # Only what may change after publishing is sent; the rest stays as published.
            fields = {
                k: v
                for k, v in fields.items()
                if k in services.consultations.EDITABLE_AFTER_PUBLISHING
            }
        try:
            services.consultation_update(consultation=consultation, **fields)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("participation:consultation-manage", pk=consultation.pk)
    return form_page(
        request,
        form,
        heading="Change the consultation",
        caption=consultation.title,
        intro="Once published, only the wording and the closing date can change."
        if consultation.published_at
        else "",
        submit="Save",
        back=reverse("participation:consultation-manage", args=[consultation.pk]),
    )


def _question_form_page(
    request: HttpRequest, consultation: Consultation, question: Question | None
) -> HttpResponse:
    initial = {}
    if question is not None:
        initial = {
            "kind": question.kind,
            "text": question.text,
            "hint": question.hint,
            "required": question.required,
            "options": "\n".join(question.options),
            "rating_max": question.rating_max,
            "rating_low_label": question.rating_low_label,
            "rating_high_label": question.rating_high_label,
        }
    form = forms.QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            "kind": data["kind"],
            "text": data["text"],
            "hint": data["hint"],
            "required": data["required"],
            "options": form.options_list(),
            "rating_max": data["rating_max"],
            "rating_low_label": data["rating_low_label"],
            "rating_high_label": data["rating_high_label"],
        }
        try:
            if question is None:
                services.question_add(consultation=consultation, **fields)
            else:
                services.question_update(question=question, **fields)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, "Question saved.")
            return redirect("participation:consultation-manage", pk=consultation.pk)
    return form_page(
        request,
        form,
        heading="Add a question" if question is None else "Change a question",
        caption=consultation.title,
        submit="Save question",
        back=reverse("participation:consultation-manage", args=[consultation.pk]),
    )


@permission_required("participation.change_consultation", _consultation)
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _question_form_page(request, _consultation(request, pk), None)


@permission_required("participation.change_consultation", _question)
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question: Question = request.question  # type: ignore[attr-defined]
    return _question_form_page(request, question.consultation, question)


@permission_required("participation.change_consultation", _question)
@require_POST
def question_delete(request: HttpRequest, pk: int) -> HttpResponse:
    question: Question = request.question  # type: ignore[attr-defined]
    try:
        services.question_delete(question=question)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Question removed.")
    return redirect("participation:consultation-manage", pk=question.consultation_id)


@permission_required("participation.change_consultation", _question)
@require_POST
def question_move(request: HttpRequest, pk: int) -> HttpResponse:
    question: Question = request.question  # type: ignore[attr-defined]
    try:
        services.question_move(question=question, up=request.POST.get("direction") == "up")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("participation:consultation-manage", pk=question.consultation_id)


@permission_required("participation.change_consultation", _consultation)
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    form = forms.DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_document_add(
                consultation=consultation,
                title=form.cleaned_data["title"],
                file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, "Document added.")
            return redirect("participation:consultation-manage", pk=consultation.pk)
    return form_page(
        request,
        form,
        heading="Add a document",
        caption=consultation.title,
        submit="Upload",
        multipart=True,
        back=reverse("participation:consultation-manage", args=[consultation.pk]),
    )


def _post_action(
    request: HttpRequest, consultation: Consultation, action: Any, done: str
) -> HttpResponse:
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("participation:consultation-manage", pk=consultation.pk)


@permission_required("participation.change_consultation", _consultation)
@require_POST
def consultation_publish(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    return _post_action(
        request,
        consultation,
        lambda: services.consultation_publish(consultation=consultation),
        "Published. It opens for answers on its opening date.",
    )


@permission_required("participation.change_consultation", _consultation)
@require_POST
def results_publish(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    return _post_action(
        request,
        consultation,
        lambda: services.consultation_results_publish(consultation=consultation),
        "Results published. Now say how residents' views were considered.",
    )


@permission_required("participation.change_consultation", _consultation)
def paper_response(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    questions = selectors.consultation_questions(consultation)
    details = forms.PaperResponseForm(request.POST or None)
    form = forms.AnswerForm(request.POST or None, questions=questions, complete=True)
    if request.method == "POST" and details.is_valid() and form.is_valid():
        respondent = None
        email = details.cleaned_data["respondent_email"]
        if email and not consultation.is_anonymous:
            respondent = get_user_model().objects.filter(email__iexact=email).first()
            if respondent is None:
                details.add_error(
                    "respondent_email", "Nobody has an account with that email address."
                )
        if not details.errors:
            try:
                services.response_enter(
                    consultation=consultation,
                    entered_by=request.user,
                    channel=details.cleaned_data["channel"],
                    answers=form.answers(),
                    respondent=respondent,
                    reference=details.cleaned_data["reference"],
                )
            except ValidationError as error:
                if hasattr(error, "error_dict") and "respondent" in error.error_dict:
                    details.add_error("respondent_email", error.error_dict["respondent"])
                else:
                    form_errors_from(form, error)
            else:
                messages.success(request, "Response entered. You can enter another.")
                return redirect("participation:consultation-paper", pk=consultation.pk)
    return render(
        request,
        "participation/paper_response.html",
        {
            "consultation": consultation,
            "details": details,
            "form": form,
            "status": consultation.status,
            "ranking_fields": {f"q_{q.pk}" for q in questions if q.kind == QuestionKind.RANKING},
        },
    )


@permission_required("participation.change_consultation", _consultation)
def format_requests(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    if request.method == "POST":
        found = get_object_or_404(
            FormatRequest, pk=posted_id(request, "request"), consultation=consultation
        )
        services.format_request_handle(request=found, handled_by=request.user)
        messages.success(request, "Marked as dealt with.")
        return redirect("participation:consultation-formats", pk=consultation.pk)
    return render(
        request,
        "participation/format_requests.html",
        {"consultation": consultation, "requests": selectors.format_requests_for(consultation)},
    )


@permission_required("participation.change_consultation", _consultation)
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    if request.method == "POST":
        answer = get_object_or_404(
            Answer, pk=posted_id(request, "answer"), question__consultation=consultation
        )
        try:
            services.answer_moderate(
                answer=answer,
                moderated_by=request.user,
                approve=request.POST.get("decision") == "approve",
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(
            f"{reverse('participation:consultation-moderate', args=[pk])}#answer-{answer.pk}"
        )
    return render(
        request,
        "participation/moderate.html",
        {
            "consultation": consultation,
            "answers": selectors.free_text_for_moderation(consultation),
            "closed": consultation.closes_at <= timezone.now(),
        },
    )


@permission_required("participation.change_consultation", _consultation)
def outcome(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    if consultation.results_published_at is None:
        messages.error(request, "Publish the results first.")
        return redirect("participation:consultation-manage", pk=consultation.pk)
    form = forms.OutcomeForm(
        request.POST or None,
        initial={
            "said_summary": consultation.said_summary,
            "considered": consultation.considered,
            "actions": consultation.actions,
            "outcome_status": consultation.outcome_status,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_outcome_publish(
                consultation=consultation,
                said_summary=form.cleaned_data["said_summary"],
                considered=form.cleaned_data["considered"],
                actions=form.cleaned_data["actions"],
                status=form.cleaned_data["outcome_status"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, "Published, and added to “You said, we did”.")
            return redirect("participation:consultation-manage", pk=consultation.pk)
    return form_page(
        request,
        form,
        heading="How residents' views were considered",
        caption=consultation.title,
        intro="The consultation counts as complete once this is published. It is shown on "
        "the consultation's page and in “You said, we did”, and everyone who took part "
        "is told.",
        submit="Publish",
        back=reverse("participation:consultation-manage", args=[consultation.pk]),
    )
