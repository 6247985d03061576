"""The one way views ask the rules: people not signed in are sent to sign in; others without the
permission are refused with 403, never sent round in a loop to the sign-in page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


def permission_required(perm: str, fn: Callable[..., Any] | None = None) -> Callable[[View], View]:
    """Check `perm` against the object `fn(request, *args, **kwargs)` returns (or no object)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            target = fn(request, *args, **kwargs) if fn is not None else None
            if not request.user.has_perm(perm, target):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
