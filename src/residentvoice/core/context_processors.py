"""What every page needs to know: the council's name, demo mode, and who is looking."""

from django.conf import settings
from django.http import HttpRequest

from residentvoice.accounts.selectors import user_role_summary
from residentvoice.organisations.selectors import council_current


def site(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    return {
        "council": council_current(),
        "demo_mode": settings.DEMO_MODE,
        "viewer": user_role_summary(user) if user is not None else None,
    }
