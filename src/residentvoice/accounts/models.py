"""People, the one role each holds, resident registrations and staff invitations."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords

from residentvoice.core.models import TimeStampedModel
from residentvoice.organisations.models import Landlord


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        "can use the Django admin", default=False, help_text="Only council admins should have this"
    )
    is_demo = models.BooleanField(
        default=False, help_text="A demonstration account, refused unless the site is in demo mode"
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_case_insensitive")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Role(models.TextChoices):
    COUNCIL_ADMIN = "council_admin", "Council admin"
    COUNCIL_OFFICER = "council_officer", "Council officer"
    LANDLORD_ADMIN = "landlord_admin", "Landlord admin"
    LANDLORD_OFFICER = "landlord_officer", "Landlord officer"
    RESIDENT = "resident", "Resident"


COUNCIL_ROLES = frozenset({Role.COUNCIL_ADMIN, Role.COUNCIL_OFFICER})
LANDLORD_STAFF_ROLES = frozenset({Role.LANDLORD_ADMIN, Role.LANDLORD_OFFICER})


class ResidentTenure(models.TextChoices):
    TENANT = "tenant", "Tenant"
    LEASEHOLDER = "leaseholder", "Leaseholder"
    SHARED_OWNER = "shared_owner", "Shared owner"


class Membership(TimeStampedModel):
    """The one role a person holds, scoped to the council or to one landlord.

    A person with no membership (including a resident still waiting to be verified) has the
    same access as the public.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    role = models.CharField(max_length=20, choices=Role.choices)
    landlord = models.ForeignKey(
        Landlord, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    resident_tenure = models.CharField(
        max_length=20, choices=ResidentTenure.choices, blank=True, help_text="Residents only"
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=sorted(COUNCIL_ROLES), landlord__isnull=True)
                    | (
                        models.Q(role__in=[*sorted(LANDLORD_STAFF_ROLES), Role.RESIDENT])
                        & models.Q(landlord__isnull=False)
                    )
                ),
                name="membership_landlord_matches_role",
            ),
            models.CheckConstraint(
                condition=models.Q(role=Role.RESIDENT) | models.Q(resident_tenure=""),
                name="membership_tenure_only_for_residents",
            ),
        ]

    def __str__(self) -> str:
        where = f" at {self.landlord.short_name}" if self.landlord_id and self.landlord else ""
        return f"{self.user}: {self.get_role_display()}{where}"

    @property
    def is_council(self) -> bool:
        return self.role in COUNCIL_ROLES

    @property
    def is_landlord_staff(self) -> bool:
        return self.role in LANDLORD_STAFF_ROLES


class ResidentRegistration(TimeStampedModel):
    """A person's request to be verified as a resident of one landlord."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="registrations")
    landlord = models.ForeignKey(Landlord, on_delete=models.PROTECT, related_name="registrations")
    tenure = models.CharField(max_length=20, choices=ResidentTenure.choices)
    tenancy_reference = models.CharField(max_length=60, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.user.email} at {self.landlord.short_name}"

    @property
    def latest_decision(self) -> RegistrationDecision | None:
        """The newest decision (uses prefetched decisions when the selector fetched them)."""
        decisions = list(self.decisions.all())
        return decisions[-1] if decisions else None


class RegistrationOutcome(models.TextChoices):
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Rejected"


class RegistrationDecision(models.Model):
    """A landlord's decision on a registration.

    Append-only: a registration's status is its latest decision.
    """

    registration = models.ForeignKey(
        ResidentRegistration, on_delete=models.CASCADE, related_name="decisions"
    )
    outcome = models.CharField(max_length=10, choices=RegistrationOutcome.choices)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return f"{self.registration}: {self.get_outcome_display()}"


class StaffInvitation(TimeStampedModel):
    """An invitation to join as council or landlord staff, accepted through a signed link."""

    email = models.EmailField()
    full_name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=Role.choices)
    landlord = models.ForeignKey(
        Landlord, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role=Role.RESIDENT), name="invitation_not_for_residents"
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} as {self.get_role_display()}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.withdrawn_at is None


class AttemptAction(models.TextChoices):
    SIGN_IN = "sign_in", "Failed sign-in"
    PASSWORD_RESET = "password_reset", "Password reset request"
    REGISTRATION = "registration", "Registration"


class AccessAttempt(models.Model):
    """One attempt that counts towards a limit (see throttling.py): a failed sign-in, a password
    reset request or a registration.

    Who or where is kept only as a keyed digest (`key`) of the email address or the client's
    address, never the address itself, and a row is deleted once no limit looks back that far.
    """

    action = models.CharField(max_length=20, choices=AttemptAction.choices)
    key = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["action", "key", "at"], name="access_attempt_count"),
            models.Index(fields=["at"], name="access_attempt_age"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} at {self.at:%Y-%m-%d %H:%M}"
