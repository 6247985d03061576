from django import forms

from residentvoice.core.forms import GovukForm

from .models import Frequency


class PreferenceForm(GovukForm):
    frequency = forms.ChoiceField(
        label="How often do you want email about updates?",
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        help_text="Everything is also listed on your notifications page.",
    )
