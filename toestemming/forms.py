from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Personal code"), max_length=30,
        help_text=_("The code from the school's letter, for example K7QM-4XPD-R9TB."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters", "spellcheck": "false"}),
    )


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), max_length=254,
        help_text=_("The address the school has for you."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class PasswordForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"}))
    password = forms.CharField(label=_("Password"), max_length=200, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class PaperForm(forms.Form):
    """A signed paper form, entered by staff: who signed, when, and the answer per purpose."""

    ANSWERS = [("", _("not filled in")), ("ja", _("yes")), ("nee", _("no"))]

    beslisser = forms.ChoiceField(label=_("Signed by"))
    ondertekend_op = forms.DateField(
        label=_("Date of signature"), widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The date on the paper form."),
    )

    def __init__(self, *args, deciders, teksten, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["beslisser"].choices = deciders
        self.teksten = teksten
        for tekst in teksten:
            self.fields[f"doel_{tekst.doel_id}"] = forms.ChoiceField(
                label=tekst.doel.naam, choices=self.ANSWERS, required=False, widget=forms.RadioSelect,
            )

    def answer_fields(self):
        return [self[f"doel_{t.doel_id}"] for t in self.teksten]

    def clean(self):
        data = super().clean()
        if not any(data.get(f"doel_{t.doel_id}") for t in self.teksten):
            raise forms.ValidationError(_("Fill in at least one answer from the paper form."))
        return data
