"""Addresses of the TSM pages: public figures by year and landlord, benchmarks, trends and
downloads, the council's import and checks, and a landlord's own results."""

from django.urls import path, register_converter

from . import views


class ReportingYearConverter:
    """A reporting year as the regulator writes it: 2023-24."""

    regex = r"[0-9]{4}-[0-9]{2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class DownloadFormatConverter:
    regex = r"csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReportingYearConverter, "reporting_year")
register_converter(DownloadFormatConverter, "download_format")

app_name = "tsm"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("import/", views.release_import, name="import"),
    path("<reporting_year:year>/", views.year, name="year"),
    path("<reporting_year:year>/verify/", views.verify, name="verify"),
    path("<reporting_year:year>/landlords/", views.landlord_search, name="landlord_search"),
    path("<reporting_year:year>/landlords/<str:code>/", views.landlord, name="landlord"),
    path("<reporting_year:year>/benchmarks/", views.benchmarks, name="benchmarks"),
    path(
        "<reporting_year:year>/benchmarks.<download_format:fmt>",
        views.benchmarks_download,
        name="benchmarks_download",
    ),
    path(
        "<reporting_year:year>/values.<download_format:fmt>",
        views.values_download,
        name="values_download",
    ),
    path("landlords/<str:code>/trend/", views.trend, name="trend"),
    # A landlord's own results: its staff load and edit them, the public sees them once published.
    path("own/", views.own_list, name="own_list"),
    path("own/<int:pk>/", views.own_manage, name="own_manage"),
    path("own/<int:pk>/responses/", views.own_responses, name="own_responses"),
    path("own/<int:pk>/management/", views.own_management, name="own_management"),
    path("own/<int:pk>/approach/", views.own_approach, name="own_approach"),
    path("own/<int:pk>/publish/", views.own_publish, name="own_publish"),
    path("<reporting_year:year>/results/<slug:slug>/", views.published, name="published"),
    path(
        "<reporting_year:year>/results/<slug:slug>/pdf/",
        views.published_pdf,
        name="published_pdf",
    ),
    path(
        "<reporting_year:year>/results/<slug:slug>/csv/",
        views.published_csv,
        name="published_csv",
    ),
]
