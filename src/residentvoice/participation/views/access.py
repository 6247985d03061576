"""Object permissions for pages the public may see too (a published consultation, its results).

`core.permissions.permission_required` sends everyone not signed in to the sign-in page; here the
rule is asked first, so a published page opens for the public while a draft still sends them to
sign in (and refuses signed-in people without the permission).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


def visible_if(perm: str, fn: Callable[..., Any]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.has_perm(perm, fn(request, *args, **kwargs)):
                return view(request, *args, **kwargs)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied

        return wrapped

    return decorator
