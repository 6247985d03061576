"""The `residentvoice tsm` commands, as an administrator would run them."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from .conftest import build_workbook


def run(*args: str) -> str:
    out = StringIO()
    call_command("tsm", *args, stdout=out)
    return out.getvalue()


def test_import_then_again_then_show(db, tmp_path):
    path = build_workbook(tmp_path / "cli.xlsx", year_start=2040)
    first = run("import", str(path))
    assert "Imported TSM 2040-41" in first
    assert "3 landlords" in first
    assert "nothing changed" in run("import", str(path))
    data = json.loads(run("show", "--year", "2040-41", "--landlord", "L9001", "--json"))
    tp01 = next(m for m in data["measures"] if m["code"] == "TP01" and m["population"] == "LCRA")
    assert tp01["value"] == 70.0
    assert data["survey"]["population_size"] == 5000


def test_import_of_a_bad_file_names_the_problem(db, tmp_path):
    path = build_workbook(tmp_path / "bad.xlsx", year_start=2041, skip_measure="TP11")
    with pytest.raises(CommandError, match="no column for TP11"):
        run("import", str(path))


def test_verify_the_real_release_exits_cleanly(real_release, db):
    out = run("verify", "--year", "2023-24")
    assert "TSM24_LCHO_Perception: 23 differences" in out
    assert "TSM24_LCRA_Perception:" not in out
    assert "TSM24_Management_Info:" not in out


def test_compute_from_a_survey_file(tmp_path):
    path = tmp_path / "survey.csv"
    rows = ["id,population,TP01,method"] + [
        f"{i},LCRA,{'Very satisfied' if i % 2 else 'Fairly dissatisfied'},Telephone"
        for i in range(600)
    ]
    path.write_text("\n".join(rows))
    data = json.loads(run("compute", str(path), "--population-size", "7145", "--json"))
    assert data[0]["required_sample"] == 554
    assert data[0]["sample_met"] is True
    assert data[0]["measures"][0]["value"] == 50.0


def test_compute_reports_bad_rows(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("id,population,TP01\n1,LCRA,Brilliant\n")
    with pytest.raises(CommandError, match="row 2, column C"):
        run("compute", str(path))


def test_verify_strict_fails_on_differences(real_release, db):
    with pytest.raises(CommandError, match=r"23 differences above 0\.1") as error:
        run("verify", "--year", "2023-24", "--strict")
    assert error.value.returncode == 1


def test_verify_strict_passes_a_clean_release(db, tmp_path):
    run("import", str(build_workbook(tmp_path / "clean.xlsx", year_start=2042)))
    assert "No differences above 0.1." in run("verify", "--year", "2042-43", "--strict")


def test_show_gives_the_reason_for_a_figure_not_given(real_release, db):
    data = json.loads(run("show", "--year", "2023-24", "--landlord", "L4279", "--json"))
    shown = {(m["code"], m["population"]): m for m in data["measures"]}
    assert shown[("CH01(1)", "LCHO")]["value"] is None
    assert shown[("CH01(1)", "LCHO")]["reason"] == "The landlord did not give this figure"
    assert shown[("CH01(1)", "LCRA")]["value"] == 105.2
    table = run("show", "--year", "2023-24", "--landlord", "L4279")
    assert "The landlord did not give this figure" in table


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("L0514", "L0514", "--from-year", "2024-25"), "must differ"),
        (("L0514", "L0726", "--from-year", "next year"), "like 2024-25"),
    ],
)
def test_link_explains_a_mistake(db, args, words):
    with pytest.raises(CommandError, match=words) as error:
        run("link", *args)
    assert "Nothing linked" in str(error.value)


def test_import_of_a_damaged_file_names_the_sheet(db, tmp_path):
    from .conftest import damage_sheet

    path = damage_sheet(
        build_workbook(tmp_path / "d.xlsx", year_start=2043), "TSM44_LCRA_Perception"
    )
    with pytest.raises(CommandError, match=r"TSM44_LCRA_Perception.*cannot be read"):
        run("import", str(path))


def test_import_counts_every_problem_and_writes_each_to_a_csv(db, tmp_path):
    """More problems than are printed: the command says how many in all and --problems writes
    every one, with sheet, row and column."""
    import csv

    from openpyxl import load_workbook

    landlords = [(f"L90{n:02d}", f"Test Homes {n}", [4, 3, 1, 1, 1]) for n in range(5)]
    path = build_workbook(tmp_path / "many.xlsx", year_start=2044, landlords=landlords)
    workbook = load_workbook(path)
    for sheet in workbook.worksheets[1:3]:  # both perception sheets
        for cell in sheet[3]:
            if isinstance(cell.value, str) and cell.value.startswith("Proportion"):
                # The first landlord's figure stays: a column of figures with stray words.
                for row in (5, 6, 7):
                    sheet.cell(row=row, column=cell.column, value="n/a")
    workbook.save(path)
    problems_file = tmp_path / "problems.csv"
    with pytest.raises(CommandError) as error:
        run("import", str(path))
    assert "Nothing imported: 63 problems in all." in str(error.value)
    assert "… and 13 more: add --problems FILE" in str(error.value)
    assert str(error.value).count("is neither a number nor a marker") == 50
    with pytest.raises(CommandError) as error:
        run("import", str(path), "--problems", str(problems_file))
    assert f"Every problem is listed in {problems_file}" in str(error.value)
    with problems_file.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 63
    assert {row["sheet"] for row in rows} == {"TSM45_LCRA_Perception", "TSM45_LCHO_Perception"}
    assert all(row["row"] in {"5", "6", "7"} and row["column"] for row in rows)
    assert "'n/a' is neither a number nor a marker" in rows[-1]["reason"]
