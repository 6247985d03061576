"""The pieces every participation form page shares: one page layout, running a service so that
its validation errors land on the form, and reading an id posted by a page's buttons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from residentvoice.core.forms import form_errors_from


def form_page(
    request: HttpRequest,
    form: Any,
    *,
    heading: str,
    caption: str = "",
    back: str = "",
    submit: str = "Save",
    intro: str = "",
    multipart: bool = False,
) -> HttpResponse:
    return render(
        request,
        "participation/form_page.html",
        {
            "form": form,
            "heading": heading,
            "caption": caption,
            "back": back,
            "submit": submit,
            "intro": intro,
            "multipart": multipart,
        },
    )


def attempt(form: Any, action: Callable[[], Any]) -> Any:
    """Run a service; put its validation errors on the form. Returns its result, or None."""
    try:
        return action()
    except ValidationError as error:
        form_errors_from(form, error)
        return None


def posted_id(request: HttpRequest, name: str) -> int:
    """A row's id posted by a button. Anything that is not a whole number is a forged or broken
    request: 404, as for an id that does not exist, never an error from the database layer."""
    value = request.POST.get(name, "")
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise Http404("No such item")
    return int(value)
