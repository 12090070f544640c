from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text=_(
            "The six-digit code from your authenticator app, or one of your recovery codes."
        ),
    )

    def clean_token(self):
        return self.cleaned_data["token"].replace(" ", "").strip()
