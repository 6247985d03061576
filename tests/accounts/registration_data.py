"""What a person types into the registration form, for the accounts tests."""

from __future__ import annotations

from typing import Any


def registration_data(landlord: Any, /, **changes: str) -> dict[str, str]:
    data = {
        "full_name": "Pat Resident",
        "email": "pat@example.org",
        "landlord": str(landlord.pk),
        "tenure": "tenant",
        "tenancy_reference": "T-100",
        "address": "",
        "postcode": "tw9 1aa",
        "password1": "correct-horse-battery",
        "password2": "correct-horse-battery",
    }
    data.update(changes)
    return data
