from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("manage/history/", views.history, name="history"),
    path("manage/tasks/", views.tasks_failed_list, name="tasks-failed"),
    path("manage/tasks/<uuid:task_id>/retry/", views.task_retry, name="task-retry"),
]
