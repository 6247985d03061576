from django.urls import path

from . import views

app_name = "charter"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("commitments/<int:number>/", views.commitment, name="commitment"),
    path("standards/", views.standards, name="standards"),
]
