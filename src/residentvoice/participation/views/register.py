"""The "you said, we did" register: pages, an Atom feed and a CSV download, public entries only;
and the "report this" form with the moderators' list."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_POST

from residentvoice.accounts.models import COUNCIL_ROLES
from residentvoice.accounts.selectors import membership_of
from residentvoice.core.forms import form_errors_from
from residentvoice.core.permissions import permission_required
from residentvoice.core.spreadsheets import csv_cell
from residentvoice.organisations.models import Landlord

from .. import forms, services
from ..models import ContentReport, RegisterEntry, ReportedKind
from ..selectors.register import (
    RegisterFilters,
    register_entries,
    register_entry_public,
    register_landlords,
    register_years,
)
from .pages import form_page


def _filters(request: HttpRequest, landlord: Landlord | None = None) -> tuple[Any, RegisterFilters]:
    form = forms.RegisterFilterForm(
        request.GET or None, landlords=register_landlords(), years=register_years()
    )
    data = form.cleaned_data if form.is_valid() else {}
    chosen = data.get("landlord", "")
    filters = RegisterFilters(
        landlord_id=landlord.pk if landlord else (int(chosen) if chosen.isdigit() else None),
        council_only=landlord is None and chosen == "council",
        source_kind=data.get("source", ""),
        status=data.get("status", ""),
        year=data.get("year", ""),
        text=data.get("q", "").strip(),
    )
    return form, filters


def _register_page(request: HttpRequest, landlord: Landlord | None) -> HttpResponse:
    form, filters = _filters(request, landlord)
    page = Paginator(register_entries(filters), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "participation/register.html",
        {
            "form": form,
            "page": page,
            "landlord": landlord,
            "query": query.urlencode(),
            "report_kind": ReportedKind.REGISTER_ENTRY,
        },
    )


def register(request: HttpRequest) -> HttpResponse:
    return _register_page(request, None)


def register_landlord(request: HttpRequest, slug: str) -> HttpResponse:
    return _register_page(request, get_object_or_404(Landlord, slug=slug))


def register_entry(request: HttpRequest, pk: int) -> HttpResponse:
    entry = register_entry_public(pk)
    if entry is None:
        raise Http404("No such entry")
    return render(
        request,
        "participation/register_entry.html",
        {"entry": entry, "report_kind": ReportedKind.REGISTER_ENTRY},
    )


CSV_COLUMNS = [
    "date",
    "landlord",
    "from",
    "title",
    "residents_said",
    "decision",
    "reason",
    "action_taken",
    "status",
    "link",
    "synthetic",
]


def register_csv(request: HttpRequest) -> HttpResponse:
    _, filters = _filters(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="you-said-we-did.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    base = request.build_absolute_uri("/").rstrip("/")
    for entry in register_entries(filters).iterator(chunk_size=500):
        writer.writerow(
            [
                entry.date.isoformat(),
                entry.landlord.name if entry.landlord else "The council",
                entry.get_source_kind_display(),
                *(
                    csv_cell(value)
                    for value in (
                        entry.title,
                        entry.residents_said,
                        entry.decision,
                        entry.reason,
                        entry.action_taken,
                    )
                ),
                entry.get_status_display(),
                base + entry.get_absolute_url(),
                "yes" if entry.is_synthetic else "no",
            ]
        )
    return response


class RegisterFeed(Feed):
    """An Atom feed of the register, with the same filters as the page."""

    feed_type = Atom1Feed
    title = "You said, we did"
    subtitle = "What residents said, what was decided and why, and what was done."

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> RegisterFilters:
        return _filters(request)[1]

    def link(self) -> str:
        return reverse("participation:register")

    def items(self, obj: RegisterFilters) -> list[RegisterEntry]:
        return list(register_entries(obj)[:50])

    def item_title(self, item: RegisterEntry) -> str:
        who = item.landlord.short_name if item.landlord else "The council"
        synthetic = " (demonstration)" if item.is_synthetic else ""
        return f"{who}: {item.title} [{item.get_status_display()}]{synthetic}"

    def item_description(self, item: RegisterEntry) -> str:
        parts = [f"You said: {item.residents_said}"]
        if item.decision:
            parts.append(f"Decision: {item.decision}")
        if item.reason:
            parts.append(f"Reason: {item.reason}")
        if item.action_taken:
            parts.append(f"What was done: {item.action_taken}")
        return "\n\n".join(parts)

    def item_pubdate(self, item: RegisterEntry) -> Any:
        return item.created_at

    def item_updateddate(self, item: RegisterEntry) -> Any:
        return item.updated_at


register_feed = RegisterFeed()


# Reports ------------------------------------------------------------------------------------------


def report_content(request: HttpRequest, kind: str, object_id: int) -> HttpResponse:
    if (
        kind not in ReportedKind.values
        or services.moderation.reported_object(kind, object_id) is None
    ):
        raise Http404("There is nothing published here to report")
    form = forms.ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.content_report_create(
                kind=kind,
                object_id=object_id,
                reason=form.cleaned_data["reason"],
                reporter=request.user,
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            return render(request, "participation/report_done.html")
    return form_page(
        request,
        form,
        heading="Report this",
        caption=ReportedKind(kind).label,
        intro="Tell us if this names someone, is offensive, or should not be on the site. "
        "A moderator will look at it.",
        submit="Send report",
    )


def _reports_for(user: Any) -> Any:
    membership = membership_of(user)
    reports = ContentReport.objects.select_related("reporter").filter(resolved_at__isnull=True)
    if membership is not None and membership.role in COUNCIL_ROLES:
        return reports
    return reports.filter(landlord_id_reported=membership.landlord_id if membership else -1)


@permission_required("participation.moderate")
def report_list(request: HttpRequest) -> HttpResponse:
    reports = list(_reports_for(request.user))
    return render(
        request,
        "participation/report_list.html",
        {
            "reports": [
                (report, services.moderation.reported_object(report.kind, report.object_id))
                for report in reports
            ]
        },
    )


def _report(request: HttpRequest, pk: int, **_: Any) -> ContentReport:
    return get_object_or_404(ContentReport, pk=pk)


@permission_required("participation.resolve_report", _report)
@require_POST
def report_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    try:
        services.content_report_resolve(
            report=report, resolved_by=request.user, hide=request.POST.get("decision") == "hide"
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Done.")
    return redirect("participation:report-list")
