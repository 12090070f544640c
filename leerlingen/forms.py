from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext_lazy as _

from .custody import Decider


class AccessReviewFilter(forms.Form):
    persoon = forms.TypedChoiceField(
        label=_("Staff member"), required=False, coerce=int, empty_value=None
    )
    van = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    tot = forms.DateField(
        label=_("Up to and including"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

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


class DeciderField(forms.ChoiceField):
    """Who decides or acts for one pupil, among ``custody.deciders``; cleans to a ``Decider``.

    The form sets ``deciders`` per pupil; a submitted value that is not one of them is invalid.
    """

    def __init__(self, *, deciders: Sequence[Decider] = (), **kwargs):
        super().__init__(**kwargs)
        self.deciders = deciders

    @property
    def deciders(self) -> list[Decider]:
        return list(self._deciders.values())

    @deciders.setter
    def deciders(self, deciders: Sequence[Decider]) -> None:
        self._deciders = {d.key: d for d in deciders}
        self.choices = [(d.key, d.label) for d in deciders]

    def clean(self, value) -> Decider | None:
        key = super().clean(value)
        return self._deciders[key] if key else None
