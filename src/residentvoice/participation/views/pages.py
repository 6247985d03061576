"""The pieces every participation form page shares: one page layout, and running a service so
that its validation errors land on the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
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
