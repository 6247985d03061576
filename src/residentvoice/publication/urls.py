"""Addresses of the public scorecards, under /scorecards/, and the council's publishing pages.

Every page of a year can also be read as an earlier version, under
/scorecards/<year>/versions/<n>/…, with the same name and "-version" added.
"""

from django.urls import URLPattern, path, register_converter

from . import views


def _converter(pattern: str, what: str) -> type:
    """A path converter for `pattern` that hands the text over as it is."""
    return type(
        what,
        (),
        {
            "regex": pattern,
            "to_python": lambda self, value: value,
            "to_url": lambda self, value: value,
        },
    )


register_converter(_converter(r"[0-9]{4}-[0-9]{2}", "ReportingYear"), "scorecard_year")
register_converter(_converter(r"csv|xlsx", "TableFormat"), "table_format")
register_converter(_converter(r"json|zip", "DatasetFormat"), "dataset_format")
register_converter(_converter(r"pdf|html|xlsx|json", "ReportFormat"), "report_format")


def _year_pages(prefix: str, suffix: str) -> list[URLPattern]:
    """The pages of one year's results, at `prefix`, named with `suffix`."""
    return [
        path(prefix, views.overview, name=f"overview{suffix}"),
        path(
            f"{prefix}download.<table_format:fmt>",
            views.overview_download,
            name=f"overview-download{suffix}",
        ),
        path(f"{prefix}landlords/<slug:slug>/", views.landlord, name=f"landlord{suffix}"),
        path(
            f"{prefix}landlords/<slug:slug>/download.<table_format:fmt>",
            views.landlord_download,
            name=f"landlord-download{suffix}",
        ),
        path(f"{prefix}commitments/<int:number>/", views.commitment, name=f"commitment{suffix}"),
        path(
            f"{prefix}commitments/<int:number>/download.<table_format:fmt>",
            views.commitment_download,
            name=f"commitment-download{suffix}",
        ),
        path(f"{prefix}practices/", views.practices, name=f"practices{suffix}"),
        path(
            f"{prefix}practices/download.<table_format:fmt>",
            views.practices_download,
            name=f"practices-download{suffix}",
        ),
        path(f"{prefix}methodology/", views.methodology, name=f"methodology{suffix}"),
        path(
            f"{prefix}methodology/download.<table_format:fmt>",
            views.methodology_download,
            name=f"methodology-download{suffix}",
        ),
    ]


app_name = "publication"
urlpatterns = [
    path("", views.overview, name="index"),
    path("data/", views.data, name="data"),
    path("data/dataset.<dataset_format:fmt>", views.dataset, name="dataset"),
    path("manage/", views.manage, name="manage"),
    path("manage/settings/", views.publication_settings, name="settings"),
    path("manage/<scorecard_year:year>/publish/", views.publish, name="publish"),
    path("manage/<scorecard_year:year>/correct/", views.correct, name="correct"),
    path("manage/<scorecard_year:year>/report/", views.report, name="report"),
    path("manage/reports/<int:pk>/", views.report_status, name="report-status"),
    path(
        "manage/reports/<int:pk>/download.<report_format:fmt>",
        views.report_download,
        name="report-download",
    ),
    path("manage/reports/<int:pk>/public/", views.report_publish, name="report-publish"),
    path("reports/", views.reports, name="reports"),
    path(
        "reports/<scorecard_year:year>/annual-report.<report_format:fmt>",
        views.report_file,
        name="report-file",
    ),
    path("<scorecard_year:year>/versions/", views.versions, name="versions"),
    path(
        "<scorecard_year:year>/evidence/<int:evidence_id>/",
        views.evidence_file,
        name="evidence",
    ),
    *_year_pages("<scorecard_year:year>/", ""),
    *_year_pages("<scorecard_year:year>/versions/<int:version>/", "-version"),
]
