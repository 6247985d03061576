"""Saving an unchanged form changes nothing: every edit form of the site, in a real Chromium.

Chromium, not the test client, decides what a form sends: an input that cannot show the value it
was given (a date in the wrong format for `<input type=date>`) shows empty and sends nothing, so
the save wipes it. The test opens every page of the authorization matrix as a role that may open
it, submits each edit form on it unchanged, and compares the database before and after.

An edit form is a form the page fills from what is stored and that asks for nothing new:
- it is shown unbound on the page (a filter form bound to the query string is not an edit), inside
  a `<form method="post">`;
- it edits a stored object: a model form whose instance is saved, or a form the view filled with
  `initial` values read from what is stored (a form for something new starts from no `initial`);
- every required field already has a value, so sending it as it stands is a complete answer (a
  form that still needs a password or a confirmation is a question, not an edit).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.db import models
from django.http import HttpResponse
from simple_history.models import HistoricalChanges

from residentvoice.accounts.models import User

from .site_walk import DjangoInChromium, Visit, matrix_context, page_forms, walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

# Records of what happened rather than what was edited: history rows, sessions, queued tasks and
# notifications, the admin's log.
NOISE = {
    "sessions.Session",
    "django_tasks_database.DBTaskResult",
    "notifications.Notification",
    "admin.LogEntry",
}
IGNORED_FIELDS = {(User, "last_login")}

Snapshot = dict[str, dict[Any, dict[str, Any]]]


def _watched_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label not in NOISE and not issubclass(model, HistoricalChanges)
    ]


def _watched_fields(model: type[models.Model]) -> list[str]:
    return [
        f.attname
        for f in model._meta.concrete_fields
        if not getattr(f, "auto_now", False) and (model, f.name) not in IGNORED_FIELDS
    ]


def database_snapshot() -> Snapshot:
    return {
        model._meta.label: {
            row["pk"]: row
            for row in model._base_manager.values("pk", *_watched_fields(model)).order_by("pk")
        }
        for model in _watched_models()
    }


def database_changes(before: Snapshot, after: Snapshot) -> list[str]:
    changes = []
    for label, rows in after.items():
        old = before[label]
        for pk in sorted(set(old) - set(rows), key=str):
            changes.append(f"{label} {pk} deleted")
        for pk in sorted(set(rows) - set(old), key=str):
            changes.append(f"{label} {pk} added")
        for pk in sorted(set(rows) & set(old), key=str):
            fields = [
                f"{name} {old[pk][name]!r} -> {value!r}"
                for name, value in rows[pk].items()
                if old[pk][name] != value
            ]
            if fields:
                changes.append(f"{label} {pk}: {'; '.join(fields)}")
    return changes


EMPTY = (None, "", [], ())


def is_edit_form(form: forms.BaseForm) -> bool:
    if form.is_bound:
        return False
    instance = getattr(form, "instance", None)
    stored = instance is not None and instance.pk is not None and not instance._state.adding
    if not (stored or form.initial):
        return False
    return all(
        form[name].value() not in EMPTY and form[name].value() is not False
        for name, field in form.fields.items()
        if field.required
    )


FIND_FORM = """names => {
  document.querySelectorAll('[data-walk]').forEach(e => e.removeAttribute('data-walk'));
  let best = null, score = 0;
  for (const f of document.forms) {
    if (f.method !== 'post') continue;
    const n = names.filter(name => f.elements.namedItem(name)).length;
    if (n > score) { best = f; score = n; }
  }
  if (!best) return null;
  const buttons = [...best.elements].filter(e => e.type === 'submit');
  if (!buttons.length) return {buttons: []};
  buttons[0].setAttribute('data-walk', 'submit');
  return {
    buttons: buttons.map(b => (b.textContent || b.value).trim()),
    invalid: best.noValidate ? [] : [...best.querySelectorAll(':invalid')].map(
      e => `${e.name}: ${e.validationMessage}`),
  };
}"""


def submit_unchanged(tab: DjangoInChromium, form: forms.BaseForm, sent: list[str]) -> Iterator[str]:
    names = [form[name].html_name for name in form.fields]
    found = tab.page.evaluate(FIND_FORM, names)
    if found is None:
        return  # built for the page but not shown to this role
    sent.append(type(form).__name__)
    if not found["buttons"]:
        yield f"{type(form).__name__} has no button to send it"
        return
    if found["invalid"]:
        yield f"{type(form).__name__}: Chromium will not send it: {found['invalid']}"
        return
    before = database_snapshot()
    with tab.page.expect_navigation():
        tab.page.click("[data-walk=submit]")
    answer = tab.last_document
    summary = tab.page.locator(".govuk-error-summary")
    if answer.status_code >= 400:
        yield f"{type(form).__name__}: sending it unchanged answered {answer.status_code}"
    elif summary.count():
        yield f"{type(form).__name__}: sending it unchanged was refused: {summary.inner_text()}"
    changes = database_changes(before, database_snapshot())
    if changes:
        yield f"{type(form).__name__}: sending it unchanged changed {changes}"


def test_every_edit_form_sent_unchanged_changes_nothing(browser, people, landlord, other_landlord):
    tab = DjangoInChromium(browser)
    sent: list[str] = []

    def visit(here: Visit, response: HttpResponse) -> Iterator[str]:
        edits = [form for form in page_forms(response) if is_edit_form(form)]
        for number, form in enumerate(edits):
            tab.show(here.url, None if number else response)
            yield from submit_unchanged(tab, form, sent)

    try:
        problems, opened = walk(tab, matrix_context(people, landlord, other_landlord), visit)
    finally:
        tab.close()
    print(f"{opened} pages opened; edit forms sent unchanged: {sent}")
    # The pages where dates were lost are among those walked, so the test cannot pass by
    # finding no edit form at all.
    assert {"LandlordForm", "StockForm", "MeetingRecordForm", "ApproachForm"} <= set(sent)
    assert not problems, "\n".join(problems)
