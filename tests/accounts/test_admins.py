"""Every organisation keeps an admin: nobody removes their own role, nor the last admin's."""

from __future__ import annotations

import contextlib
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from residentvoice.accounts import services
from residentvoice.accounts.models import Membership, Role

from ..factories import user_with_role


def test_removing_your_own_role_is_refused_with_a_message(client, people):
    own = Membership.objects.get(user=people["landlord_admin"])
    client.force_login(people["landlord_admin"])
    response = client.post(reverse("accounts:membership-edit", args=[own.pk]), {"action": "remove"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "You cannot remove your own role. Ask another admin to do it." in page
    assert "<title>Error:" in page
    assert Membership.objects.filter(pk=own.pk, role=Role.LANDLORD_ADMIN).exists()


def test_council_admin_cannot_remove_or_demote_a_landlords_last_admin(client, people):
    last = Membership.objects.get(user=people["landlord_admin"])
    client.force_login(people["council_admin"])
    url = reverse("accounts:membership-edit", args=[last.pk])
    page = client.post(url, {"action": "remove"}).content.decode()
    assert "Riverside Homes must keep at least one admin. Make someone else an admin first." in page
    page = client.post(url, {"role": Role.LANDLORD_OFFICER}).content.decode()
    assert "Riverside Homes must keep at least one admin" in page
    last.refresh_from_db()
    assert last.role == Role.LANDLORD_ADMIN


def test_an_admin_can_go_once_another_is_there(people, landlord):
    last = Membership.objects.get(user=people["landlord_admin"])
    officer = Membership.objects.get(user=people["landlord_officer"])
    services.membership_change_role(
        membership=officer, role=Role.LANDLORD_ADMIN, changed_by=people["council_admin"]
    )
    services.membership_remove(membership=last, removed_by=people["council_admin"])
    assert not Membership.objects.filter(pk=last.pk).exists()
    # The new admin is now the last one, and stays.
    with pytest.raises(ValidationError, match="must keep at least one admin"):
        services.membership_remove(membership=officer, removed_by=people["council_admin"])


def test_the_council_keeps_its_last_admin(people):
    second = user_with_role(Role.COUNCIL_ADMIN, email="second-admin@example.org")
    first = Membership.objects.get(user=people["council_admin"])
    services.membership_change_role(membership=first, role=Role.COUNCIL_OFFICER, changed_by=second)
    with pytest.raises(ValidationError, match="The council must keep at least one admin"):
        services.membership_change_role(
            membership=second.membership,
            role=Role.COUNCIL_OFFICER,
            changed_by=people["council_admin"],
        )
    # Only another council admin could do it, and there is none; the command is refused too.
    with pytest.raises(CommandError, match="The council must keep at least one admin"):
        call_command("people", "grant", second.email, "council_officer")
    second.membership.refresh_from_db()
    assert second.membership.role == Role.COUNCIL_ADMIN


def test_officers_come_and_go_freely(people):
    officer = Membership.objects.get(user=people["landlord_officer"])
    services.membership_remove(membership=officer, removed_by=people["landlord_admin"])
    assert not Membership.objects.filter(pk=officer.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_two_admins_removed_at_the_same_moment_leave_one(people, landlord, monkeypatch):
    """Two council admins each remove one of a landlord's two admins at once: one succeeds, the
    other is refused, and the landlord keeps an admin."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a database with row locks and concurrent writers (PostgreSQL)")
    second = user_with_role(Role.LANDLORD_ADMIN, landlord, email="second-ll-admin@example.org")
    other_council_admin = user_with_role(Role.COUNCIL_ADMIN, email="c-admin-2@example.org")
    targets = [
        (Membership.objects.get(user=people["landlord_admin"]), people["council_admin"]),
        (second.membership, other_council_admin),
    ]
    # Each removal waits, after its check, for the other to have checked too (for at most two
    # seconds): without a lock both checks would see two admins and both removals would go on.
    both_checked = threading.Barrier(2)
    check = services._organisation_keeps_an_admin

    def check_then_wait(*, membership):
        check(membership=membership)
        with contextlib.suppress(threading.BrokenBarrierError):
            both_checked.wait(timeout=2)

    monkeypatch.setattr(services, "_organisation_keeps_an_admin", check_then_wait)
    outcomes: list[str] = []

    def remove(membership, by):
        try:
            services.membership_remove(membership=membership, removed_by=by)
            outcomes.append("removed")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=remove, args=target) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["refused", "removed"]
    assert Membership.objects.filter(landlord=landlord, role=Role.LANDLORD_ADMIN).count() == 1
