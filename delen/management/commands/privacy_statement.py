"""Generate a school's privacy statement from its register, store it as a new version, write the PDF."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from leerlingen.models import School


class Command(BaseCommand):
    help = "Generate and store the school's privacy statement and write it as a PDF."

    def add_arguments(self, parser):
        parser.add_argument("--school", required=True, help="The school's BRIN.")
        parser.add_argument("-o", "--output", required=True, help="The PDF file to write.")
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _ in settings.LANGUAGES],
        )

    def handle(self, *args, school, output, language, **options):
        from delen.privacyverklaring import generate_statement

        found = School.objects.filter(brin=school.upper()).first()
        if found is None:
            raise CommandError(f"No school with BRIN {school}.")
        verklaring = generate_statement(school=found, user=None, language=language)
        with verklaring.pdf.open("rb") as f:
            Path(output).write_bytes(f.read())
        self.stdout.write(
            f"Version {verklaring.versie} ({verklaring.paginas} pages, {language}) written to {output}"
        )
