"""Forms for signing in, registering, verifying residents and managing staff."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.template.loader import render_to_string

from residentvoice.core.forms import GovukForm, GovukFormMixin
from residentvoice.core.notifications import email_queue
from residentvoice.organisations.models import Landlord

from . import throttling
from .models import (
    COUNCIL_ROLES,
    LANDLORD_STAFF_ROLES,
    RegistrationOutcome,
    ResidentTenure,
    Role,
    User,
)
from .services import NO_REFERENCE_OR_ADDRESS, REJECTION_REASON

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"


def _email_field(label: str, *, required: str, **kwargs: Any) -> forms.EmailField:
    return forms.EmailField(
        label=label,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": required, "invalid": EMAIL_FORMAT},
        **kwargs,
    )


class SignInForm(GovukFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct email address and password.",
        "inactive": "This account cannot sign in.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.label = "Email address"
        username.widget = forms.EmailInput(attrs={"autocomplete": "email"})
        username.error_messages["required"] = "Enter your email address"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"
        self.refusal: throttling.Refusal | None = None
        self._style_widgets()

    def clean(self) -> dict[str, Any]:
        # Asked before the password is checked: while an account or an address is paused, even
        # the right password is refused, and the refusal itself is not counted.
        self.refusal = throttling.refusal(
            throttling.SIGN_IN, request=self.request, email=self.cleaned_data.get("username")
        )
        if self.refusal is not None:
            raise forms.ValidationError(self.refusal.message, code="throttled")
        return super().clean()


class NewPasswordMixin(forms.Form):
    password1 = forms.CharField(
        label="Create a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters. Avoid common words and your own name or email.",
        error_messages={"required": "Enter a password"},
    )
    password2 = forms.CharField(
        label="Confirm your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Confirm your password"},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "The two passwords do not match.")
        elif password1:
            probe = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ResidentRegistrationForm(GovukFormMixin, NewPasswordMixin):
    full_name = forms.CharField(
        label="Your full name",
        max_length=200,
        error_messages={"required": "Enter your full name"},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = _email_field("Email address", required="Enter your email address")
    landlord = forms.ModelChoiceField(
        label="Your landlord",
        queryset=Landlord.objects.order_by("name"),
        empty_label="Choose your landlord",
        error_messages={
            "required": "Select your landlord",
            "invalid_choice": "Select your landlord from the list",
        },
    )
    tenure = forms.ChoiceField(
        label="You are a",
        choices=ResidentTenure.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether you are a tenant, leaseholder or shared owner",
            "invalid_choice": "Select whether you are a tenant, leaseholder or shared owner",
        },
    )
    tenancy_reference = forms.CharField(
        label="Tenancy or account reference (if you know it)",
        max_length=60,
        required=False,
        help_text="It is on your rent statement or tenancy agreement.",
    )
    address = forms.CharField(
        label="Your address",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
        help_text="Give this if you do not know your reference.",
    )
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    field_order = [
        "full_name",
        "email",
        "landlord",
        "tenure",
        "tenancy_reference",
        "address",
        "postcode",
        "password1",
        "password2",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)
        self.fields["postcode"].width_class = "govuk-input--width-10"  # type: ignore[attr-defined]
        self._style_widgets()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if (
            not cleaned.get("tenancy_reference", "").strip()
            and not cleaned.get("address", "").strip()
        ):
            self.add_error("tenancy_reference", NO_REFERENCE_OR_ADDRESS)
        return cleaned


class RegistrationDecisionForm(GovukForm):
    outcome = forms.ChoiceField(
        label="Your decision",
        choices=[
            (RegistrationOutcome.VERIFIED, "Verify: this person is our resident"),
            (RegistrationOutcome.REJECTED, "Reject: we cannot confirm this person"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to verify or reject this person"},
    )
    reason = forms.CharField(
        label="Reason (required if you reject)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The person will see this in their email.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("outcome") == RegistrationOutcome.REJECTED
            and not cleaned.get("reason", "").strip()
        ):
            self.add_error("reason", REJECTION_REASON)
        return cleaned


def staff_role_choices(*, for_council_admin: bool) -> list[tuple[str, str]]:
    roles = (
        [*COUNCIL_ROLES, *LANDLORD_STAFF_ROLES] if for_council_admin else [*LANDLORD_STAFF_ROLES]
    )
    return [(role.value, role.label) for role in Role if role in roles]


class InvitationForm(GovukForm):
    full_name = forms.CharField(
        label="Full name", max_length=200, error_messages={"required": "Enter their full name"}
    )
    email = _email_field("Email address", required="Enter their email address")
    role = forms.ChoiceField(
        label="Role", widget=forms.RadioSelect, error_messages={"required": "Select a role"}
    )
    landlord = forms.ModelChoiceField(
        label="Landlord (for landlord roles)",
        queryset=Landlord.objects.order_by("name"),
        required=False,
        empty_label="Not a landlord role",
        error_messages={"invalid_choice": "Select the landlord from the list"},
    )

    def __init__(self, *args: Any, for_council_admin: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = staff_role_choices(for_council_admin=for_council_admin)
        if not for_council_admin:
            del self.fields["landlord"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        role, landlord = cleaned.get("role"), cleaned.get("landlord")
        if "landlord" in self.fields and role:
            if role in LANDLORD_STAFF_ROLES and landlord is None:
                self.add_error("landlord", "Select the landlord this person will work for")
            if role in COUNCIL_ROLES and landlord is not None:
                self.add_error(
                    "landlord", "Council roles do not belong to a landlord: leave this empty."
                )
        return cleaned


class InvitationAcceptForm(GovukFormMixin, NewPasswordMixin):
    full_name = forms.CharField(
        label="Your full name",
        max_length=200,
        error_messages={"required": "Enter your full name"},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(label="Email address", disabled=True, required=False)
    field_order = ["full_name", "email", "password1", "password2"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)
        self._style_widgets()

    def clean(self) -> dict[str, Any]:
        self.cleaned_data["email"] = self.initial.get("email", "")
        return super().clean()


class MembershipRoleForm(GovukForm):
    role = forms.ChoiceField(
        label="Role", widget=forms.RadioSelect, error_messages={"required": "Select a role"}
    )

    def __init__(self, *args: Any, council: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roles = COUNCIL_ROLES if council else LANDLORD_STAFF_ROLES
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [(r.value, r.label) for r in Role if r in roles]


class GovukPasswordResetForm(GovukFormMixin, PasswordResetForm):
    email = _email_field("Email address", required="Enter your email address")

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """Through the background queue like every other email (Django's own sends it in the
        request and only logs a failure, so a reset link could be lost without trace)."""
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        email_queue(to=[to_email], subject=subject, body=body)


class GovukSetPasswordForm(GovukFormMixin, SetPasswordForm):
    error_messages = {"password_mismatch": "The two passwords do not match."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Confirm your new password"
        self._style_widgets()
