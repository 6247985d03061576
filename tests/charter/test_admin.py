"""The council edits the charter in the Django admin: the screens open, with commitments inline."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_charter_change_page_shows_its_commitments_and_history(admin_client, default_charter):
    html = admin_client.get(
        reverse("admin:charter_charter_change", args=[default_charter.pk])
    ).content.decode()

    assert "Residents help design the participation strategy" in html
    history = admin_client.get(reverse("admin:charter_charter_history", args=[default_charter.pk]))
    assert history.status_code == 200


@pytest.mark.parametrize(
    "model", ["charter", "commitment", "ratingscale", "standardframework", "standarditem"]
)
def test_each_list_opens(admin_client, default_charter, model):
    assert admin_client.get(reverse(f"admin:charter_{model}_changelist")).status_code == 200


def test_rating_scale_page_lists_its_options(admin_client, default_charter):
    url = reverse("admin:charter_ratingscale_change", args=[default_charter.rating_scale.pk])
    html = admin_client.get(url).content.decode()

    assert 'value="Partly met"' in html
