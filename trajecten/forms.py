from django import forms

from .models import Opname
from .validators import EXTENSIONS


class OpnameForm(forms.ModelForm):
    class Meta:
        model = Opname
        fields = ("bestand", "opgenomen_op", "toelichting")
        widgets = {
            "bestand": forms.FileInput(attrs={"accept": ",".join(f".{e}" for e in EXTENSIONS)}),
            "opgenomen_op": forms.DateInput(attrs={"type": "date"}),
        }
