"""The upload form for the regulator's yearly workbook."""

from __future__ import annotations

from django import forms
from django.core.validators import FileExtensionValidator

from residentvoice.core.forms import GovukForm

# The real 2023-24 file is about 3 MB; anything far larger is not the regulator's workbook.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
WORKBOOK_EXTENSIONS = ["xlsx", "xlsm", "xlsb", "xls", "ods"]


class ReleaseUploadForm(GovukForm):
    workbook = forms.FileField(
        label="The regulator's Tenant Satisfaction Measures workbook",
        help_text="The full data file as the Regulator of Social Housing publishes it (.xlsx).",
        validators=[FileExtensionValidator(WORKBOOK_EXTENSIONS)],
        error_messages={"required": "Choose the workbook to import"},
    )
    version_note = forms.CharField(
        label="Note about this version (optional)",
        help_text="For example: corrected release published in June.",
        required=False,
        max_length=300,
    )

    def clean_workbook(self) -> object:
        upload = self.cleaned_data["workbook"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 50 MB: it is not the workbook")
        return upload
