"""Pages for signing in, registering, verifying residents and managing staff. Thin over services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from residentvoice.core.forms import form_errors_from
from residentvoice.core.permissions import permission_required

from . import forms, selectors, services, throttling
from .models import Membership, ResidentRegistration, StaffInvitation


def _refused(response: HttpResponse, refusal: throttling.Refusal) -> HttpResponse:
    """A form refused by a limit: 429, and when to come back."""
    response.status_code = 429
    response["Retry-After"] = str(refusal.seconds)
    return response


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = forms.SignInForm
    redirect_authenticated_user = True

    def form_invalid(self, form: forms.SignInForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_invalid(form)
        return _refused(response, form.refusal) if form.refusal else response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = forms.GovukPasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-sent")

    def form_valid(self, form: forms.GovukPasswordResetForm) -> HttpResponse:  # type: ignore[override]
        email = form.cleaned_data["email"]
        refusal = throttling.refusal(throttling.PASSWORD_RESET, request=self.request, email=email)
        if refusal is not None:
            form.add_error(None, refusal.message)
            return _refused(self.form_invalid(form), refusal)
        throttling.record(throttling.PASSWORD_RESET, request=self.request, email=email)
        return super().form_valid(form)


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = forms.GovukSetPasswordForm
    success_url = reverse_lazy("accounts:password-reset-complete")
    # Signed in at once: a pause on their account (see throttling.py) cannot come back between
    # setting the password and using it.
    post_reset_login = True
    post_reset_login_backend = "residentvoice.accounts.backends.EmailBackend"

    def form_valid(self, form: forms.GovukSetPasswordForm) -> HttpResponse:  # type: ignore[override]
        # The link proved who they are: a pause on signing in to their account ends now.
        throttling.clear_account(throttling.SIGN_IN, email=form.user.email)
        return super().form_valid(form)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@login_required
def account_home(request: HttpRequest) -> HttpResponse:
    registrations = [
        (registration, services.registration_status(registration))
        for registration in selectors.registrations_of(request.user)
    ]
    membership = selectors.membership_of(request.user)
    return render(
        request,
        "accounts/home.html",
        {
            "membership": membership,
            "registrations": registrations,
            "waiting_for": next(
                (r.landlord for r, status in registrations if status == "pending"), None
            )
            if membership is None
            else None,
            "pending_count": selectors.registrations_pending_for(request.user).count(),
        },
    )


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        messages.info(request, "You are already signed in.")
        return redirect("accounts:home")
    form = forms.ResidentRegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        refusal = throttling.refusal(throttling.REGISTRATION, request=request, email=data["email"])
        if refusal is not None:
            form.add_error(None, refusal.message)
            return _refused(render(request, "accounts/register.html", {"form": form}), refusal)
        throttling.record(throttling.REGISTRATION, request=request, email=data["email"])
        try:
            services.resident_register(
                email=data["email"],
                full_name=data["full_name"],
                password=data["password1"],
                landlord=data["landlord"],
                tenure=data["tenure"],
                tenancy_reference=data["tenancy_reference"],
                address=data["address"],
                postcode=data["postcode"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            # The same page whether or not the address already had an account (see the service).
            return render(
                request,
                "accounts/register_done.html",
                {"landlord": data["landlord"], "email": data["email"].strip().lower()},
            )
    return render(request, "accounts/register.html", {"form": form})


def registration_sign_in(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link in the registration email: a button signs the person in (a link alone would be
    used up by mail programs that open links to check them)."""
    user = services.registration_sign_in_user(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "accounts/registration_sign_in_invalid.html", status=404)
    if request.method == "POST":
        login(request, user, backend="residentvoice.accounts.backends.EmailBackend")
        return redirect("accounts:home")
    return render(request, "accounts/registration_sign_in.html", {"person": user})


@permission_required("accounts.verify_residents")
def registration_queue(request: HttpRequest) -> HttpResponse:
    decided = [
        (registration, services.registration_status(registration))
        for registration in selectors.registrations_decided_for(request.user)
    ]
    return render(
        request,
        "accounts/registration_queue.html",
        {
            "pending": selectors.registrations_pending_for(request.user),
            "decided": decided,
            "residents_count": selectors.residents_count_for(request.user),
        },
    )


@login_required
def registration_decide(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_object_or_404(
        ResidentRegistration.objects.select_related("user", "landlord"), pk=pk
    )
    if not request.user.has_perm("accounts.decide_registration", registration):
        raise PermissionDenied
    status = services.registration_status(registration)
    form = forms.RegistrationDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and status == "pending" and form.is_valid():
        try:
            services.registration_decide(
                registration=registration,
                decided_by=request.user,  # type: ignore[arg-type]
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request, f"Decision saved. {registration.user.full_name} has been told by email."
            )
            return redirect("accounts:registration-queue")
    return render(
        request,
        "accounts/registration_decide.html",
        {"registration": registration, "status": status, "form": form},
    )


@permission_required("accounts.manage_staff")
def staff_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/staff_list.html",
        {
            "memberships": selectors.staff_visible_to(request.user),
            "invitations": selectors.invitations_visible_to(request.user),
            "is_council_admin": request.user.has_perm("accounts.view_history"),
        },
    )


@permission_required("accounts.manage_staff")
def staff_invite(request: HttpRequest) -> HttpResponse:
    membership = selectors.membership_of(request.user)
    assert membership is not None  # guaranteed by the permission
    for_council_admin = membership.is_council
    form = forms.InvitationForm(
        request.POST if request.method == "POST" else None, for_council_admin=for_council_admin
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.invitation_create(
                invited_by=request.user,  # type: ignore[arg-type]
                email=data["email"],
                full_name=data["full_name"],
                role=data["role"],
                landlord=data.get("landlord") if for_council_admin else membership.landlord,
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, f"Invitation sent to {data['email']}.")
            return redirect("accounts:staff-list")
    return render(request, "accounts/staff_invite.html", {"form": form})


@require_POST
@login_required
def invitation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(StaffInvitation, pk=pk)
    allowed = (
        request.user.has_perm("accounts.manage_membership", invitation)
        if invitation.landlord_id
        else request.user.has_perm("accounts.view_history")
    )
    if not allowed:
        raise PermissionDenied
    try:
        services.invitation_withdraw(invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Invitation to {invitation.email} withdrawn.")
    return redirect("accounts:staff-list")


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_from_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = forms.InvitationAcceptForm(
        request.POST if request.method == "POST" else None,
        initial={"full_name": invitation.full_name, "email": invitation.email},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(
                invitation=invitation,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request, "Your account is ready. Sign in with your email address and new password."
            )
            return redirect("accounts:login")
    return render(
        request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation}
    )


def _membership_for_management(request: HttpRequest, pk: int) -> Membership:
    membership = get_object_or_404(Membership.objects.select_related("user", "landlord"), pk=pk)
    if membership.role == "resident":
        raise Http404
    if membership.is_council:
        allowed = request.user.has_perm("accounts.view_history")
    else:
        allowed = request.user.has_perm("accounts.manage_membership", membership)
    if not allowed:
        raise PermissionDenied
    return membership


@login_required
def membership_edit(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership_for_management(request, pk)
    removing = request.method == "POST" and request.POST.get("action") == "remove"
    form = forms.MembershipRoleForm(
        request.POST if request.method == "POST" and not removing else None,
        initial={"role": membership.role},
        council=membership.is_council,
    )
    # The removal is a form of its own (a button, no fields): its refusal is shown on its own.
    removal_errors: list[str] = []
    if removing:
        try:
            services.membership_remove(membership=membership, removed_by=request.user)  # type: ignore[arg-type]
        except ValidationError as error:
            removal_errors = error.messages
        else:
            messages.success(request, f"{membership.user.full_name} no longer has a role.")
            return redirect("accounts:staff-list")
    elif request.method == "POST" and form.is_valid():
        try:
            services.membership_change_role(
                membership=membership,
                role=form.cleaned_data["role"],
                changed_by=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, f"{membership.user.full_name}'s role has been changed.")
            return redirect("accounts:staff-list")
    return render(
        request,
        "accounts/membership_edit.html",
        {"membership": membership, "form": form, "removal_errors": removal_errors},
    )
