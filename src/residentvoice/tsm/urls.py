"""Addresses of the TSM pages: public figures by year and landlord, and the council's import."""

from django.urls import path, register_converter

from . import views


class ReportingYearConverter:
    """A reporting year as the regulator writes it: 2023-24."""

    regex = r"[0-9]{4}-[0-9]{2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReportingYearConverter, "reporting_year")

app_name = "tsm"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("import/", views.release_import, name="import"),
    path("<reporting_year:year>/", views.year, name="year"),
    path("<reporting_year:year>/verify/", views.verify, name="verify"),
    path("<reporting_year:year>/landlords/<str:code>/", views.landlord, name="landlord"),
]
