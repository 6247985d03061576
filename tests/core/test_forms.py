"""The shared form layer: what every form shows the browser and what it accepts back."""

from __future__ import annotations

import datetime
import re

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from residentvoice.core.forms import GovukForm, GovukFormMixin
from residentvoice.core.text import SPREADSHEET_CELL_LIMIT, TEXT_LIMIT

SUMMER = datetime.datetime(2024, 7, 1, 9, 30, 15, 123456, tzinfo=datetime.UTC)  # 10:30:15 BST


class Moments(GovukForm):
    # Declared the plain Django way, with the text boxes and formats Django picks by default.
    day = forms.DateField()
    at = forms.DateTimeField()
    time = forms.TimeField()
    minute = forms.TimeField(required=False)


def _input(html: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert found, html
    return found.group()


def test_dates_and_times_are_written_in_the_only_format_their_browser_boxes_accept():
    form = Moments(
        initial={
            "day": datetime.date(2023, 4, 12),
            "at": SUMMER,
            "time": datetime.time(14, 30),
            "minute": datetime.time(9, 5, 7),
        }
    )
    html = str(form)
    assert 'type="date"' in _input(html, "day")
    assert 'value="2023-04-12"' in _input(html, "day")
    at = _input(html, "at")  # in the site's time zone, with its seconds kept (and step=1)
    assert 'type="datetime-local"' in at
    assert 'value="2024-07-01T10:30:15"' in at
    assert 'step="1"' in at
    assert 'type="time"' in _input(html, "time")
    assert 'value="14:30"' in _input(html, "time")
    assert 'step="1"' not in _input(html, "time")
    assert 'value="09:05:07"' in _input(html, "minute")


def test_what_the_browser_sends_back_is_read():
    form = Moments(
        data={"day": "2023-04-12", "at": "2024-07-01T10:30", "time": "14:30", "minute": "09:05:07"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == datetime.date(2023, 4, 12)
    assert form.cleaned_data["at"] == datetime.datetime(2024, 7, 1, 9, 30, tzinfo=datetime.UTC)
    assert form.cleaned_data["minute"] == datetime.time(9, 5, 7)


def test_a_widget_given_by_hand_is_made_a_browser_box_too():
    class Declared(GovukForm):
        day = forms.DateField(
            widget=forms.DateInput(attrs={"type": "date", "autocomplete": "off"}),
            input_formats=["%d/%m/%Y"],
        )

    html = str(Declared(initial={"day": datetime.date(2023, 4, 12)}))
    assert 'value="2023-04-12"' in html
    assert 'autocomplete="off"' in html
    assert Declared(data={"day": "2023-04-12"}).is_valid()


def test_a_moment_left_unchanged_keeps_its_stored_value_exactly():
    stored = {"day": datetime.date(2023, 4, 12), "at": SUMMER, "time": datetime.time(14, 30, 5, 9)}
    sent = {"day": "2023-04-12", "at": "2024-07-01T10:30:15", "time": "14:30:05"}
    form = Moments(data=sent, initial=stored)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["at"] == SUMMER  # microseconds included
    assert form.cleaned_data["time"] == datetime.time(14, 30, 5, 9)
    changed = Moments(data={**sent, "at": "2024-07-01T11:00"}, initial=stored)
    assert changed.is_valid()
    assert timezone.localtime(changed.cleaned_data["at"]).time() == datetime.time(11, 0)


class Single(GovukForm):
    agree = forms.BooleanField(label="Email me", help_text="At most once a day", required=False)
    many = forms.MultipleChoiceField(
        choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple, required=False
    )

    class Custom(forms.CheckboxInput):
        pass

    own = forms.BooleanField(label="Own widget", widget=Custom, required=False)


def test_every_checkbox_is_drawn_with_the_design_systems_markup():
    html = str(Single())
    for name, label in (("agree", "Email me"), ("own", "Own widget")):
        item = re.search(
            rf'<div class="govuk-checkboxes__item">\s*<input type="checkbox" name="{name}"'
            rf'[^>]*class="govuk-checkboxes__input"[^>]*>\s*'
            rf'<label class="govuk-label govuk-checkboxes__label" for="id_{name}">{label}</label>',
            html,
        )
        assert item, html
    assert 'class="govuk-hint govuk-checkboxes__hint">At most once a day' in html
    assert html.count('<div class="govuk-checkboxes" data-module="govuk-checkboxes">') == 3
    assert "govuk-radios" not in html


class Texts(GovukForm):
    title = forms.CharField()
    email = forms.EmailField(required=False)
    body = forms.CharField(widget=forms.Textarea, required=False)
    colour = forms.ChoiceField(choices=[("red", "Red")], required=False)
    tags = forms.MultipleChoiceField(choices=[("a", "A")], required=False)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"title": "Panel\x00meeting"},
            "title",
            "Title contains a hidden control character "
            "(U+0000) that cannot be saved: remove it, or type the text again",
        ),
        ({"title": "ok", "body": "a\x00b"}, "body", "Body contains a hidden control character"),
        ({"title": "ok", "body": "a\x1bb"}, "body", "(U+001B)"),
        ({"title": "ok", "colour": "\x00"}, "colour", "Colour contains a hidden control"),
        ({"title": "ok", "tags": ["a", "\x7f"]}, "tags", "(U+007F)"),
        (
            {"title": "Meeting\r\nBcc: all@example.org"},
            "title",
            "Title must be on one line: remove the line break",
        ),
        ({"title": "Meeting\nagain"}, "title", "must be on one line"),
        ({"title": "ok", "email": "a@example.org\r\nBcc: x@example.org"}, "email", "one line"),
        ({"title": "a\tb"}, "title", "Title must not contain a tab: use a space instead"),
        (
            {"title": "ok", "body": "x" * (TEXT_LIMIT + 1)},
            "body",
            f"Body must be {TEXT_LIMIT:,} characters or fewer: it has {TEXT_LIMIT + 1:,}",
        ),
    ],
)
def test_text_the_site_cannot_keep_is_refused_with_a_clear_message(data, field, message):
    form = Texts(data=data)
    assert not form.is_valid()
    assert field not in form.cleaned_data
    assert [message in error for error in form.errors[field]] == [True], form.errors


def test_multi_line_text_keeps_line_breaks_and_tabs_up_to_the_limit():
    body = "First line\r\n\tindented\n" + "x" * (TEXT_LIMIT - 23)
    form = Texts(data={"title": "Café — “quoted” ✓", "body": body})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["body"] == body.strip()
    assert TEXT_LIMIT < SPREADSHEET_CELL_LIMIT


def test_a_refused_character_never_reaches_the_fields_own_checks():
    seen = []

    class Looks(GovukForm):
        code = forms.CharField()

        def clean_code(self):
            seen.append(self.cleaned_data["code"])  # a lookup in the database, say
            return self.cleaned_data["code"]

    form = Looks(data={"code": "L\x004279"})
    assert not form.is_valid()
    assert seen == []
    assert "hidden control character" in form.errors["code"][0]


@pytest.mark.django_db
def test_a_meeting_title_with_a_line_break_is_refused_and_nothing_is_saved(
    client, people, landlord
):
    """A title carrying "\\r\\nBcc: …" would be copied into the subject of every email about it."""
    from residentvoice.participation.models import Meeting

    from ..participation.builders import panel_with_chair

    panel = panel_with_chair(landlord=landlord, chair=people["resident"])
    client.force_login(people["landlord_officer"])
    response = client.post(
        reverse("participation:meeting-create", args=[panel.pk]),
        {
            "title": "Panel meeting\r\nBcc: everyone@example.org",
            "held_on": "2025-03-04",
            "held_time": "18:30",
        },
    )
    assert response.status_code == 200
    assert "Title must be on one line: remove the line break" in response.content.decode()
    assert not Meeting.objects.exists()


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def test_every_form_of_the_site_follows_the_shared_rules():
    """The rules above hold for a form only if it is built on the shared mixin."""
    import importlib
    import pkgutil

    import residentvoice

    for module in pkgutil.walk_packages(residentvoice.__path__, "residentvoice."):
        if module.name.rsplit(".", 1)[-1] in ("forms", "views") or ".views." in module.name:
            importlib.import_module(module.name)
    ours = [
        form
        for form in _subclasses(forms.BaseForm)
        if form.__module__.startswith("residentvoice.") and form.__name__ != "NewPasswordMixin"
    ]
    assert len(ours) > 60
    outside = sorted(
        f"{form.__module__}.{form.__name__}"
        for form in ours
        if not issubclass(form, GovukFormMixin)
    )
    assert outside == []
