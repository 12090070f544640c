from django import forms
from django.utils.translation import gettext_lazy as _


class AccessReviewFilter(forms.Form):
    persoon = forms.TypedChoiceField(label=_("Staff member"), required=False, coerce=int, empty_value=None)
    van = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    tot = forms.DateField(label=_("Up to and including"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["persoon"].choices = [("", _("Everyone"))] + [
            (u.pk, u.get_full_name() or u.username) for u in people
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("van") and cleaned.get("tot") and cleaned["van"] > cleaned["tot"]:
            raise forms.ValidationError(_("The start date lies after the end date."))
        return cleaned
