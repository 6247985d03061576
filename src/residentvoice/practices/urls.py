"""Addresses of the best-practice library for signed-in staff, under /practices/."""

from django.urls import path

from . import views

app_name = "practices"
urlpatterns = [
    path("", views.practice_list, name="list"),
    path("add/", views.practice_add, name="add"),
    path("coverage/", views.practice_coverage, name="coverage"),
    path("<int:pk>/", views.practice_detail, name="detail"),
    path("<int:pk>/change/", views.practice_edit, name="edit"),
    path("<int:pk>/approval/", views.practice_publish, name="publish"),
]
