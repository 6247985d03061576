# Releases imported before this change kept a management value the regulator printed as 0
# beside a numerator it marked ([X]) as the number 0. The importer now reads such a value as no
# value with the marker as its reason (workbook.settle_management_value); this brings rows
# already stored into line, so a database migrated and one that imports afresh hold the same
# rows. Importing the same file again changes nothing (files are known by their hash), which is
# why the correction is a migration rather than a re-import. The rule is copied here, not
# imported, so that this migration keeps doing what it did when it was written.

from django.db import migrations
from django.db.models import Q

MANAGEMENT_CODES = (
    "BS01",
    "BS02",
    "BS03",
    "BS04",
    "BS05",
    "RP01",
    "RP02_1",
    "RP02_2",
    "CH01_1",
    "CH01_2",
    "CH02_1",
    "CH02_2",
    "NM01_1",
    "NM01_2",
)


def settle_marked_zeros(apps, schema_editor):
    MeasureValue = apps.get_model("tsm", "MeasureValue")
    candidates = MeasureValue.objects.filter(
        Q(value__isnull=True) | Q(value=0), marker="", measure__in=MANAGEMENT_CODES
    )
    changed = []
    for row in candidates.iterator(chunk_size=2000):
        parts = row.part_markers or {}
        reason = parts.get("numerator") or parts.get("denominator") or ""
        if not reason:
            continue
        if row.value is None:
            row.marker = reason
        elif row.numerator is None:
            row.value, row.marker = None, reason
        else:
            continue
        changed.append(row)
    MeasureValue.objects.bulk_update(changed, ["value", "marker"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("tsm", "0002_own_results_columns_management_approach")]

    operations = [migrations.RunPython(settle_marked_zeros, migrations.RunPython.noop)]
