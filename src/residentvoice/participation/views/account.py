"""A resident's own contributions: see them, download them (JSON or CSV), or leave the site."""

from __future__ import annotations

import csv
import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from residentvoice.core.forms import form_errors_from
from residentvoice.core.spreadsheets import csv_row

from .. import forms, services
from ..selectors.contributions import contributions_of, contributions_rows


@login_required
def my_contributions(request: HttpRequest) -> HttpResponse:
    data = contributions_of(request.user)
    return render(
        request,
        "participation/my_contributions.html",
        {"data": data, "rows": contributions_rows(data)},
    )


@login_required
def my_contributions_download(request: HttpRequest, fmt: str) -> HttpResponse:
    data = contributions_of(request.user)
    if fmt == "json":
        response = HttpResponse(
            json.dumps(data, indent=2, ensure_ascii=False, default=str),
            content_type="application/json; charset=utf-8",
        )
    elif fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.writer(response)
        writer.writerow(["what", "when", "about", "detail"])
        # What the resident typed may start like a formula; it stays text in a spreadsheet.
        writer.writerows(csv_row(row) for row in contributions_rows(data))
    else:
        raise Http404("Choose JSON or CSV")
    response["Content-Disposition"] = f'attachment; filename="my-contributions.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def account_delete(request: HttpRequest) -> HttpResponse:
    form = forms.DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        try:
            services.account_forget(user=user)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            logout(request)
            messages.success(
                request,
                "Your account is deleted. What you contributed stays on the site "
                "without your name.",
            )
            return redirect("core:home")
    return render(request, "participation/account_delete.html", {"form": form})
