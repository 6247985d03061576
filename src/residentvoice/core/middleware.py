"""Web addresses holding control characters are refused before any view reads them.

No page uses a control character (a NUL, a line break, an escape) in its path or query string;
one that reached a view could reach the database, where PostgreSQL refuses NUL outright. The
answer is 400 with a page that says what was wrong (JSON for the API, as its other errors are).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from .text import control_character


def address_refusal(request: HttpRequest) -> str | None:
    """Why the request's address cannot be used, in words for the person; None when it can."""
    parts = [request.path]
    for key, values in request.GET.lists():
        parts.extend([key, *values])
    for part in parts:
        found = control_character(part)
        if found is not None:
            return (
                f"The web address contains a hidden control character (U+{ord(found):04X}) "
                "that no page of this site uses."
            )
    return None


def _api_root() -> str:
    try:
        return reverse("api:api-root")
    except NoReverseMatch:  # pragma: no cover - the API is always installed
        return "/api/"


class RefuseControlCharactersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = address_refusal(request)
        if refusal is None:
            return self.get_response(request)
        if request.path.startswith(_api_root()):
            return JsonResponse({"detail": refusal}, status=400)
        return render(request, "core/400.html", {"refusal": refusal}, status=400)
