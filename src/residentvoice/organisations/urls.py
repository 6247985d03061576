from django.urls import path

from . import views

app_name = "organisations"
urlpatterns = [
    path("landlords/", views.landlord_list, name="landlord-list"),
    path("landlords/<slug:slug>/", views.landlord_detail, name="landlord-detail"),
    path("manage/landlords/", views.manage_landlords, name="manage-landlords"),
    path("manage/landlords/add/", views.landlord_add, name="landlord-add"),
    path("manage/landlords/<slug:slug>/", views.landlord_edit, name="landlord-edit"),
    path("manage/landlords/<slug:slug>/homes/", views.landlord_stock, name="landlord-stock"),
]
