"""GOV.UK Design System rendering for Django forms.

`{{ form }}` renders every field with GOV.UK classes, hints, error messages and the error summary,
so views and templates never hand-write form markup.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting

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


def widget_css_class(widget: forms.Widget) -> str:
    for widget_type in type(widget).__mro__:
        if widget_type in _INPUT_CLASS:
            return _INPUT_CLASS[widget_type]
    return "govuk-input"


class GovukFormMixin:
    """Adds GOV.UK classes and error states to widgets once the form knows its errors."""

    fields: dict[str, forms.Field]
    _errors: Any
    prefix: str | None

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        self._style_widgets()

    def _style_widgets(self) -> None:
        # `_errors`, not `errors`: `errors` would validate the form before it is complete.
        errors = self._errors or {}
        for name, field in self.fields.items():
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
