"""A person's notifications on the site, their email preference and the one-click unsubscribe."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import forms, selectors, services
from .models import Frequency


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.notifications_for(request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "unread": selectors.notifications_unread_count(request.user),
            "frequency": Frequency(selectors.notification_frequency_of(request.user)).label,
        },
    )


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_read(user=request.user)
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} as read.")
    return redirect("notifications:list")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    form = forms.PreferenceForm(
        request.POST or None,
        initial={"frequency": selectors.notification_frequency_of(request.user)},
    )
    if request.method == "POST" and form.is_valid():
        services.notification_preference_set(
            user=request.user, frequency=form.cleaned_data["frequency"]
        )
        messages.success(request, "Your email preference is saved.")
        return redirect("notifications:list")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "heading": "Email about updates"},
    )


# The signed token is the authority here, and mail programs that offer one-click unsubscribe
# (RFC 8058) post without a CSRF token, so this one form is exempt.
@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    user_id = services.unsubscribe_user_id(token)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    if user is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        services.notification_preference_set(user=user, frequency=Frequency.NEVER)
        done = True
    return render(
        request,
        "notifications/unsubscribe.html",
        {
            "done": done,
            "already": not done and selectors.notification_frequency_of(user) == Frequency.NEVER,
            "email": user.email,
        },
    )
