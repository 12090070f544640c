from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.owntext import own_text
from core.widgets import DateInput
from leerlingen.forms import DeciderField
from leerlingen.schooljaar import schooljaar_start


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Personal code"),
        max_length=30,
        help_text=_("The code from the school's letter, for example K7QM-4XPD-R9TB."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("The address the school has for you."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class PasswordForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PaperForm(forms.Form):
    """A signed paper form, entered by staff: who signed, when, and the answer per purpose."""

    ANSWERS = [("", _("not filled in")), ("ja", _("yes")), ("nee", _("no"))]

    beslisser = DeciderField(label=_("Signed by"))
    ondertekend_op = forms.DateField(
        label=_("Date of signature"),
        widget=DateInput(),
        help_text=_("The date on the paper form."),
    )

    def __init__(self, *args, deciders, teksten, schooljaar, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["beslisser"].deciders = deciders
        self.teksten = teksten
        self.schooljaar = schooljaar
        for tekst in teksten:
            self.fields[f"doel_{tekst.doel_id}"] = forms.ChoiceField(
                label=own_text(tekst.doel, "naam"),
                choices=self.ANSWERS,
                required=False,
                widget=forms.RadioSelect,
            )

    def answer_fields(self):
        return [self[f"doel_{t.doel_id}"] for t in self.teksten]

    def clean_ondertekend_op(self):
        """Signed on a day of the form's school year (1 August to 31 July), and not after today."""
        signed = self.cleaned_data["ondertekend_op"]
        if signed > timezone.localdate():
            raise forms.ValidationError(
                _(
                    "The date of signature lies in the future: "
                    "enter the date written on the signed form."
                ),
                code="future",
            )
        start = schooljaar_start(self.schooljaar)
        end = start.replace(year=start.year + 1) - timedelta(days=1)
        if not start <= signed <= end:
            raise forms.ValidationError(
                _(
                    "The date of signature must fall in the school year of the form, %(schooljaar)s "
                    "(%(start)s to %(end)s)."
                ),
                code="schooljaar",
                params={
                    "schooljaar": self.schooljaar,
                    "start": f"{start:%d-%m-%Y}",
                    "end": f"{end:%d-%m-%Y}",
                },
            )
        return signed

    def clean(self):
        data = super().clean()
        if not any(data.get(f"doel_{t.doel_id}") for t in self.teksten):
            raise forms.ValidationError(_("Fill in at least one answer from the paper form."))
        return data
