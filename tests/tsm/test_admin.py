"""The TSM records in the Django admin: council admins only; imported figures are not edited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from residentvoice.tsm.models import RegulatorLandlord


@pytest.fixture
def admin_user(people):
    user = people["council_admin"]
    user.is_staff = True
    user.save()
    return user


@pytest.mark.parametrize(
    "model", ["tsmrelease", "regulatorlandlord", "regulatorcodelink", "ownsurvey"]
)
def test_council_admin_sees_the_tsm_records(client, admin_user, model):
    client.force_login(admin_user)
    assert client.get(reverse(f"admin:tsm_{model}_changelist")).status_code == 200


def test_others_are_kept_out(client, people):
    officer = people["council_officer"]
    officer.is_staff = True
    officer.save()
    client.force_login(officer)
    response = client.get(reverse("admin:tsm_tsmrelease_changelist"))
    assert response.status_code != 200


def test_releases_cannot_be_added_by_hand(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("admin:tsm_tsmrelease_add")).status_code == 403


def test_regulator_landlord_can_be_linked_to_the_borough(client, admin_user, landlord):
    record = RegulatorLandlord.objects.create(code="L9999", name="Linked Homes")
    client.force_login(admin_user)
    page = client.get(reverse("admin:tsm_regulatorlandlord_change", args=[record.pk]))
    assert page.status_code == 200
    assert "Linked Homes" in page.content.decode()
