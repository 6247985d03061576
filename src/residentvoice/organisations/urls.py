from django.urls import path

from . import views

app_name = "organisations"
urlpatterns = [
    path("landlords/", views.landlord_list, name="landlord-list"),
    path("landlords/<slug:slug>/", views.landlord_detail, name="landlord-detail"),
]
