"""Sign-in by email address; demonstration accounts work only while the site is in demo mode,
and nobody signs in while the sign-in limits (throttling.py) pause their account or address."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from . import throttling


class EmailBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if request is not None and throttling.refusal(
            throttling.SIGN_IN, request=request, email=username
        ):
            # The site's sign-in form says why before it gets here; any other way in (the
            # Django admin's form) is refused all the same, even with the right password.
            request.sign_in_refused = True  # type: ignore[attr-defined]
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and user.is_demo and not settings.DEMO_MODE:
            return None
        return user

    def user_can_authenticate(self, user: Any) -> bool:
        if getattr(user, "is_demo", False) and not settings.DEMO_MODE:
            return False
        return super().user_can_authenticate(user)
