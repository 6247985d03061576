# A report is built in every format at once (one ReportFile each), remembers the published version
# it was built from, and can be made public. A report built before keeps its one file.

import django.db.models.deletion
from django.db import migrations, models


def carry_files_over(apps, schema_editor):
    ReportBuild = apps.get_model("publication", "ReportBuild")
    ReportFile = apps.get_model("publication", "ReportFile")
    for build in ReportBuild.objects.exclude(file=""):
        try:
            size = build.file.size
        except (OSError, ValueError):  # the file has gone: nothing to carry over
            continue
        ReportFile.objects.create(build=build, format=build.format, file=build.file.name, size=size)


class Migration(migrations.Migration):
    dependencies = [
        ("publication", "0002_landlordresult_participation_figures"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReportFile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "format",
                    models.CharField(
                        choices=[
                            ("pdf", "PDF (for printing)"),
                            ("html", "Web page (HTML)"),
                            ("xlsx", "Spreadsheet (XLSX)"),
                            ("json", "Data (JSON)"),
                        ],
                        max_length=4,
                    ),
                ),
                ("file", models.FileField(max_length=300, upload_to="reports/")),
                ("size", models.PositiveBigIntegerField()),
                (
                    "build",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="files",
                        to="publication.reportbuild",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("build", "format"), name="one_report_file_a_format"
                    )
                ],
            },
        ),
        migrations.RunPython(carry_files_over, migrations.RunPython.noop),
        migrations.RemoveField(model_name="reportbuild", name="file"),
        migrations.RemoveField(model_name="reportbuild", name="format"),
        migrations.AddField(
            model_name="reportbuild",
            name="is_public",
            field=models.BooleanField(
                default=False, help_text="Listed on the public reports page once it is built"
            ),
        ),
        migrations.AddField(
            model_name="reportbuild",
            name="made_public_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="reportbuild",
            name="publication",
            field=models.ForeignKey(
                blank=True,
                help_text="The published version the report was built from",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="report_builds",
                to="publication.publication",
            ),
        ),
    ]
