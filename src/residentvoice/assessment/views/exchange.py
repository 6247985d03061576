"""Spreadsheet pages: a landlord downloads its self-assessment, uploads it filled in, sees every
change before anything is saved and applies it all or nothing; council staff download a whole
cycle as XLSX or CSV. The files themselves are made and read in `assessment/exchange.py`."""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from residentvoice.core.forms import GovukForm
from residentvoice.core.permissions import permission_required

from .. import exchange, services
from ..models import Participation, Stage
from .lookups import cycle_of, participation_of


class SpreadsheetUploadForm(GovukForm):
    spreadsheet = forms.FileField(
        label="Your filled-in spreadsheet",
        help_text="The .xlsx file you downloaded from this page, with your answers in it.",
        error_messages={"required": "Choose the spreadsheet to upload"},
    )

    def clean_spreadsheet(self) -> object:
        upload = self.cleaned_data["spreadsheet"]
        if upload.size > exchange.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                "The file is larger than 5 MB: it is not a self-assessment spreadsheet"
            )
        return upload


def _why_closed(participation: Participation) -> str:
    """Why an import could change nothing now, or "" if some commitments are open."""
    stage = participation.cycle.stage  # type: ignore[attr-defined]
    reopened = participation.items.filter(reopened_for=Stage.SELF_ASSESSMENT).exists()
    if reopened:
        return ""
    if stage != Stage.SELF_ASSESSMENT:
        return (
            f"The cycle is at “{Stage(stage).label}”. A spreadsheet can change your "
            "self-assessment only during the self-assessment stage, or for a commitment the "
            "council has reopened."
        )
    if participation.submitted_at:
        return (
            "Your self-assessment has been signed off and submitted. Ask the council to reopen a "
            "commitment if it needs to change."
        )
    return ""


@permission_required("assessment.self_assess", participation_of)
def self_export(request: HttpRequest, year: str, slug: str) -> HttpResponse:
    participation = participation_of(request, year, slug)
    response = HttpResponse(
        exchange.self_assessment_workbook(participation), content_type=exchange.XLSX_MIME
    )
    filename = exchange.self_assessment_filename(participation)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@permission_required("assessment.self_assess", participation_of)
def self_import(request: HttpRequest, year: str, slug: str) -> HttpResponse:
    participation = participation_of(request, year, slug)
    context: dict[str, object] = {
        "cycle": participation.cycle,
        "participation": participation,
        "closed": _why_closed(participation),
    }
    if request.method == "POST" and "token" in request.POST:
        form = SpreadsheetUploadForm()
        try:
            plan = exchange.self_assessment_import_apply(
                participation=participation, user=request.user, token=request.POST["token"]
            )
        except exchange.PreviewOutdatedError as error:
            context["apply_error"] = f"{error} Nothing was changed."
        except exchange.SheetError as error:
            context["apply_error"] = _problem_summary(error.problems)
            context["problems"] = error.problems
        else:
            count = len(plan.changes)
            messages.success(
                request,
                f"Your spreadsheet is imported: {count} commitment{'s' if count != 1 else ''} "
                "changed.",
            )
            return redirect("assessment:participation", year=year, slug=slug)
        return _render(request, form, context)
    posted = request.method == "POST"
    form = SpreadsheetUploadForm(
        request.POST if posted else None, request.FILES if posted else None
    )
    if posted and form.is_valid():
        data = form.cleaned_data["spreadsheet"].read()
        try:
            plan = exchange.self_assessment_preview(participation=participation, data=data)
        except exchange.SheetError as error:
            form.add_error("spreadsheet", _problem_summary(error.problems))
            context["problems"] = error.problems
        else:
            if plan.problems:
                form.add_error("spreadsheet", _problem_summary(plan.problems))
                context["problems"] = plan.problems
            else:
                context["plan"] = plan
                if plan.changes:
                    context["token"] = exchange.preview_token(plan, user=request.user)
    return _render(request, form, context)


def _problem_summary(problems: list[exchange.Problem]) -> str:
    count = len(problems)
    return (
        f"The spreadsheet cannot be imported: {count} problem{'s' if count != 1 else ''}, "
        "listed below. Nothing was changed."
    )


def _render(request: HttpRequest, form: GovukForm, context: dict[str, object]) -> HttpResponse:
    return render(request, "assessment/exchange/self_import.html", {**context, "form": form})


@permission_required("assessment.export_cycle")
def cycle_spreadsheets(request: HttpRequest, year: str) -> HttpResponse:
    cycle = cycle_of(request, year)
    return render(
        request,
        "assessment/exchange/cycle_spreadsheets.html",
        {"cycle": cycle, "stage": services.cycle_stage(cycle)},
    )


EXPORTS = {"cycle": False, "cycle-with-private-notes": True}


@permission_required("assessment.export_cycle")
def cycle_export(request: HttpRequest, year: str, which: str, fmt: str) -> HttpResponse:
    cycle = cycle_of(request, year)
    if which not in EXPORTS or fmt not in ("xlsx", "csv"):
        raise Http404("There is no such export")
    private = EXPORTS[which]
    if private and not request.user.has_perm("assessment.view_private_notes"):
        raise Http404("There is no such export")
    filename = exchange.cycle_export_filename(cycle, fmt, include_private=private)
    if fmt == "xlsx":
        response = HttpResponse(
            exchange.cycle_export_xlsx(cycle, include_private=private),
            content_type=exchange.XLSX_MIME,
        )
    else:
        out = io.StringIO()
        out.write("\ufeff")  # lets spreadsheet programs see UTF-8 rather than guess
        exchange.cycle_export_csv(cycle, include_private=private, out=out)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
