"""The breach register links the processor and its agreement in the disclosure register (issue 19);
the names recorded so far stay, as the name "as recorded", and are linked where they match one
processor of the incident's school (or board) unambiguously."""

import django.db.models.deletion
from django.db import migrations, models


def _processor_for(Verwerker, name, school_id, bestuur_id):
    name = (name or "").strip()
    if not name:
        return None
    scope = Verwerker.objects.filter(school_id=school_id) if school_id else Verwerker.objects.filter(
        school__bestuur_id=bestuur_id
    )
    by_name = [
        v
        for v in scope
        if name.casefold() in {v.naam.casefold(), v.product.casefold(), f"{v.product} ({v.naam})".casefold()}
    ]
    return by_name[0] if len(by_name) == 1 else None


def link_by_name(apps, schema_editor):
    Verwerker = apps.get_model("delen", "Verwerker")
    Overeenkomst = apps.get_model("delen", "Verwerkersovereenkomst")
    Datalek = apps.get_model("datalekken", "Datalek")
    Meldlink = apps.get_model("datalekken", "Meldlink")
    for d in Datalek.objects.filter(verwerker__isnull=True).exclude(verwerker_naam=""):
        v = _processor_for(Verwerker, d.verwerker_naam, d.school_id, d.bestuur_id)
        if v is None:
            continue
        d.verwerker = v
        on = d.ontdekt_op.date()
        valid = [
            o
            for o in Overeenkomst.objects.filter(verwerker=v, datum__lte=on)
            if o.einddatum is None or o.einddatum >= on
        ]
        if len(valid) == 1:
            d.overeenkomst = valid[0]
        d.save(update_fields=["verwerker", "overeenkomst"])
    for link in Meldlink.objects.filter(verwerker__isnull=True):
        v = _processor_for(Verwerker, link.verwerker_naam, link.school_id, link.bestuur_id)
        if v is not None:
            link.verwerker = v
            link.save(update_fields=["verwerker"])


def _historical_fk(to, label):
    return models.ForeignKey(
        blank=True,
        db_constraint=False,
        null=True,
        on_delete=django.db.models.deletion.DO_NOTHING,
        related_name="+",
        to=to,
        verbose_name=label,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("datalekken", "0002_role_permissions"),
        ("delen", "0005_vordering_geweigerd_zorgteam_toestemming"),
    ]

    operations = [
        migrations.RenameField("datalek", "verwerker", "verwerker_naam"),
        migrations.RenameField("historicaldatalek", "verwerker", "verwerker_naam"),
        migrations.RenameField("datalek", "overeenkomst", "overeenkomst_omschrijving"),
        migrations.RenameField("historicaldatalek", "overeenkomst", "overeenkomst_omschrijving"),
        migrations.RenameField("meldlink", "verwerker", "verwerker_naam"),
        migrations.RenameField("historicalmeldlink", "verwerker", "verwerker_naam"),
    ]
    for model in ("datalek", "historicaldatalek"):
        operations += [
            migrations.AlterField(
                model,
                "verwerker_naam",
                models.CharField(blank=True, max_length=200, verbose_name="processor (as recorded)"),
            ),
            migrations.AlterField(
                model,
                "overeenkomst_omschrijving",
                models.CharField(
                    blank=True,
                    help_text="The agreement's date or reference.",
                    max_length=200,
                    verbose_name="processor agreement (as recorded)",
                ),
            ),
        ]
    for model in ("meldlink", "historicalmeldlink"):
        operations.append(
            migrations.AlterField(
                model,
                "verwerker_naam",
                models.CharField(max_length=200, verbose_name="processor (as recorded)"),
            )
        )
    operations += [
        migrations.AddField(
            "datalek",
            "verwerker",
            models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="delen.verwerker",
                verbose_name="processor",
            ),
        ),
        migrations.AddField(
            "datalek",
            "overeenkomst",
            models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="delen.verwerkersovereenkomst",
                verbose_name="processor agreement",
            ),
        ),
        migrations.AddField(
            "meldlink",
            "verwerker",
            models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="delen.verwerker",
                verbose_name="processor",
            ),
        ),
        migrations.AddField(
            "historicaldatalek", "verwerker", _historical_fk("delen.verwerker", "processor")
        ),
        migrations.AddField(
            "historicaldatalek",
            "overeenkomst",
            _historical_fk("delen.verwerkersovereenkomst", "processor agreement"),
        ),
        migrations.AddField(
            "historicalmeldlink", "verwerker", _historical_fk("delen.verwerker", "processor")
        ),
        migrations.RunPython(link_by_name, migrations.RunPython.noop),
    ]
