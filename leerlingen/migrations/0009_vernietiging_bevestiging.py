# Destruction lists (issue 17): records kept in another system wait for their
# owner's confirmation; a list with records that could not be destroyed is not carried out.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('leerlingen', '0008_meerderjarig'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalvernietigingslijstitem',
            name='bevestigd_door',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='deletion confirmed by'),
        ),
        migrations.AddField(
            model_name='historicalvernietigingslijstitem',
            name='bevestigd_door_naam',
            field=models.CharField(blank=True, max_length=200, verbose_name='deletion confirmed by (name)'),
        ),
        migrations.AddField(
            model_name='historicalvernietigingslijstitem',
            name='bevestigd_op',
            field=models.DateTimeField(blank=True, null=True, verbose_name='deletion confirmed at'),
        ),
        migrations.AddField(
            model_name='historicalvernietigingslijstitem',
            name='extern',
            field=models.BooleanField(default=False, help_text='The data are not in this product: their owner deletes them and confirms it here.', verbose_name='kept in another system'),
        ),
        migrations.AddField(
            model_name='vernietigingslijstitem',
            name='bevestigd_door',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='deletion confirmed by'),
        ),
        migrations.AddField(
            model_name='vernietigingslijstitem',
            name='bevestigd_door_naam',
            field=models.CharField(blank=True, max_length=200, verbose_name='deletion confirmed by (name)'),
        ),
        migrations.AddField(
            model_name='vernietigingslijstitem',
            name='bevestigd_op',
            field=models.DateTimeField(blank=True, null=True, verbose_name='deletion confirmed at'),
        ),
        migrations.AddField(
            model_name='vernietigingslijstitem',
            name='extern',
            field=models.BooleanField(default=False, help_text='The data are not in this product: their owner deletes them and confirms it here.', verbose_name='kept in another system'),
        ),
        migrations.AlterField(
            model_name='historicalvernietigingslijst',
            name='status',
            field=models.CharField(choices=[('open', 'awaiting approval'), ('goedgekeurd', 'approved: waiting period'), ('in_uitvoering', 'being carried out'), ('wacht_op_bevestiging', 'waiting for confirmation of deletion elsewhere'), ('onvolledig', 'not completed: records could not be destroyed'), ('uitgevoerd', 'carried out'), ('geannuleerd', 'cancelled')], default='open', max_length=20, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='historicalvernietigingslijstitem',
            name='status',
            field=models.CharField(choices=[('te_vernietigen', 'to be destroyed'), ('uitgezonderd', 'taken off the list'), ('overgeslagen', 'skipped: legal hold'), ('te_bevestigen', 'to be deleted in another system: awaiting its owner'), ('vernietigd', 'destroyed'), ('mislukt', 'could not be destroyed')], default='te_vernietigen', max_length=20, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='vernietigingslijst',
            name='status',
            field=models.CharField(choices=[('open', 'awaiting approval'), ('goedgekeurd', 'approved: waiting period'), ('in_uitvoering', 'being carried out'), ('wacht_op_bevestiging', 'waiting for confirmation of deletion elsewhere'), ('onvolledig', 'not completed: records could not be destroyed'), ('uitgevoerd', 'carried out'), ('geannuleerd', 'cancelled')], default='open', max_length=20, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='vernietigingslijstitem',
            name='status',
            field=models.CharField(choices=[('te_vernietigen', 'to be destroyed'), ('uitgezonderd', 'taken off the list'), ('overgeslagen', 'skipped: legal hold'), ('te_bevestigen', 'to be deleted in another system: awaiting its owner'), ('vernietigd', 'destroyed'), ('mislukt', 'could not be destroyed')], default='te_vernietigen', max_length=20, verbose_name='status'),
        ),
    ]
