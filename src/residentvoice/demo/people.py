"""The demonstration's people: every one shares the demonstration password, hashed once per load
(hashing is slow on purpose, and a load makes some thirty people)."""

from __future__ import annotations

from residentvoice.accounts.models import User


def demo_person(*, email: str, full_name: str, password_hash: str) -> tuple[User, bool]:
    """The demonstration person with this email, made if missing; returns (person, created)."""
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return user, False
    user = User.objects.create_user(email=email, password=None, full_name=full_name, is_demo=True)
    User.objects.filter(pk=user.pk).update(password=password_hash)
    user.password = password_hash
    return user, True
