"""GOV.UK Design System rendering for Django forms, and the rules every form's input follows.

`{{ form }}` renders every field with GOV.UK classes, hints, error messages and the error summary,
so views and templates never hand-write form markup. Every form built on `GovukFormMixin` also:
- shows dates, times and date-times in the browser's own boxes with the ISO values those boxes
  accept (2025-03-31, 14:30, 2025-03-31T14:30), whatever the language's display format;
- keeps a date-time or time the person did not change exactly as stored;
- refuses control characters, line breaks in one-line fields, and multi-line text longer than
  `core.text.TEXT_LIMIT` (see `core/text.py`).
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.forms.utils import pretty_name

from .text import text_refusal

_INPUT_CLASS = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.SelectMultiple: "govuk-select",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.RadioSelect: "govuk-radios__input",
    forms.CheckboxSelectMultiple: "govuk-checkboxes__input",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.FileInput: "govuk-file-upload",
}
_ERROR_CLASS = {
    "govuk-input": "govuk-input--error",
    "govuk-textarea": "govuk-textarea--error",
    "govuk-select": "govuk-select--error",
    "govuk-file-upload": "govuk-file-upload--error",
}


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


def _has_seconds(value: Any) -> bool:
    return isinstance(value, datetime.datetime | datetime.time) and bool(
        value.second or value.microsecond
    )


class _BrowserMomentInput:
    """An `<input type=date|time|datetime-local>` written in the one format the browser reads.

    Those boxes take only ISO values: anything else (the 31/03/2025 Django would write for
    British English) shows as an empty box, which then sends nothing and wipes the stored value.
    A value with seconds is written with them (and `step=1`, so the box keeps them).
    """

    minutes_format = ""
    seconds_format = ""

    def format_value(self, value: Any) -> Any:
        if isinstance(value, datetime.date | datetime.time):
            return value.strftime(
                self.seconds_format if _has_seconds(value) else self.minutes_format
            )
        return super().format_value(value)  # type: ignore[misc]  # typed text sent back as it was

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(name, value, attrs)  # type: ignore[misc]
        if self.seconds_format != self.minutes_format and _has_seconds(value):
            context["widget"]["attrs"].setdefault("step", "1")
        return context


class BrowserDateInput(_BrowserMomentInput, forms.DateInput):
    input_type = "date"
    minutes_format = seconds_format = "%Y-%m-%d"


class BrowserTimeInput(_BrowserMomentInput, forms.TimeInput):
    input_type = "time"
    minutes_format, seconds_format = "%H:%M", "%H:%M:%S"


class BrowserDateTimeInput(_BrowserMomentInput, forms.DateTimeInput):
    input_type = "datetime-local"
    minutes_format, seconds_format = "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"


# field type -> (the text-box widget it is shown in, the widget that replaces it, ISO formats read)
_MOMENT_INPUTS: list[
    tuple[type[forms.Field], type[forms.Widget], type[forms.Widget], list[str]]
] = [
    (forms.DateTimeField, forms.DateTimeInput, BrowserDateTimeInput, []),  # read by Django as ISO
    (forms.DateField, forms.DateInput, BrowserDateInput, ["%Y-%m-%d"]),
    (forms.TimeField, forms.TimeInput, BrowserTimeInput, ["%H:%M:%S", "%H:%M:%S.%f", "%H:%M"]),
]


def _use_browser_moment_input(field: forms.Field) -> None:
    for field_type, text_widget, browser_widget, iso_formats in _MOMENT_INPUTS:
        if not isinstance(field, field_type):
            continue
        widget = field.widget
        if isinstance(widget, text_widget) and not isinstance(widget, browser_widget):
            attrs = {k: v for k, v in widget.attrs.items() if k != "type"}
            field.widget = browser_widget(attrs=attrs)
            field.widget.is_required = widget.is_required
            field.widget.is_localized = widget.is_localized
        formats = list(field.input_formats)  # type: ignore[attr-defined]
        missing = [f for f in iso_formats if f not in formats]
        if missing:
            field.input_formats = [*formats, *missing]  # type: ignore[attr-defined]
        return


def widget_css_class(widget: forms.Widget) -> str:
    for widget_type in type(widget).__mro__:
        if widget_type in _INPUT_CLASS:
            return _INPUT_CLASS[widget_type]
    return "govuk-input"


class GovukFormMixin:
    """Adds GOV.UK classes and error states to widgets once the form knows its errors, gives
    dates and times the browser's own boxes, and holds every field to the site's text rules."""

    fields: dict[str, forms.Field]
    _errors: Any
    cleaned_data: dict[str, Any]
    prefix: str | None

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        self._style_widgets()

    def _clean_fields(self) -> None:
        # Django's step that cleans each field in turn. Text the site refuses never reaches a
        # field's own cleaning (a NUL in a choice would reach the database as a lookup); the
        # form's own `clean()`, which runs next, sees the kept moments.
        refused = self._text_refusals()
        every_field = self.fields
        self.fields = {name: f for name, f in every_field.items() if name not in refused}
        try:
            super()._clean_fields()  # type: ignore[misc]
        finally:
            self.fields = every_field
        for name, refusal in refused.items():
            self.add_error(name, refusal)  # type: ignore[attr-defined]
        self._keep_unchanged_moments()

    def _text_refusals(self) -> dict[str, str]:
        """Control characters, line breaks in one-line fields, too-long text, by field name."""
        refused = {}
        for name, field in self.fields.items():
            if field.disabled:
                continue
            raw = self[name].data  # type: ignore[index]
            label = str(field.label or pretty_name(name))
            multiline = isinstance(field.widget, forms.Textarea)
            for value in raw if isinstance(raw, list | tuple) else [raw]:
                refusal = (
                    text_refusal(value, label=label, multiline=multiline)
                    if isinstance(value, str)
                    else None
                )
                if refusal:
                    refused[name] = refusal
                    break
        return refused

    def _keep_unchanged_moments(self) -> None:
        """A date-time or time left as it was keeps its stored value to the microsecond.

        The browser's boxes hold minutes or seconds; a value stored another way (an import, the
        demonstration, `timezone.now()`) may carry more, which a save must not round away.
        """
        for name, field in self.fields.items():
            if name not in self.cleaned_data:
                continue
            if isinstance(field, forms.DateTimeField):
                kind: type = datetime.datetime
            elif isinstance(field, forms.TimeField):
                kind = datetime.time
            else:
                continue
            stored = self.initial.get(name, field.initial)  # type: ignore[attr-defined]
            stored = stored() if callable(stored) else stored
            if isinstance(stored, kind) and name not in self.changed_data:  # type: ignore[attr-defined]
                self.cleaned_data[name] = stored

    def _style_widgets(self) -> None:
        # `_errors`, not `errors`: `errors` would validate the form before it is complete.
        errors = self._errors or {}
        for name, field in self.fields.items():
            _use_browser_moment_input(field)
            css = widget_css_class(field.widget)
            classes = [css]
            if css == "govuk-input" and getattr(field, "width_class", None):
                classes.append(field.width_class)  # type: ignore[attr-defined]
            has_error = name in errors
            if has_error and css in _ERROR_CLASS:
                classes.append(_ERROR_CLASS[css])
            field.widget.attrs["class"] = " ".join(classes)
            if css in {"govuk-radios__input", "govuk-checkboxes__input"} and not isinstance(
                field.widget, forms.CheckboxInput
            ):
                continue  # the fieldset carries the description for a group of options
            auto_id = self[name].auto_id  # type: ignore[index]
            described_by = [f"{auto_id}_helptext"] if field.help_text else []
            if has_error:
                described_by.append(f"{auto_id}_error")
            if described_by:
                field.widget.attrs["aria-describedby"] = " ".join(described_by)
            else:
                field.widget.attrs.pop("aria-describedby", None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style_widgets()


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):
    pass


def form_errors_from(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's validation errors onto the form, beside the fields they concern."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target, item)
    else:
        for message in error.messages:
            form.add_error(None, message)
