from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("account/", views.account_home, name="home"),
    path("account/sign-in/", views.SignInView.as_view(), name="login"),
    path("account/sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/register/", views.register, name="register"),
    path(
        "account/register/sign-in/<uidb64>/<token>/",
        views.registration_sign_in,
        name="registration-sign-in",
    ),
    path("account/password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "account/password-reset/sent/",
        views.PasswordResetSentView.as_view(),
        name="password-reset-sent",
    ),
    path(
        "account/password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "account/password-reset/complete/",
        views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("account/invitation/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("manage/residents/", views.registration_queue, name="registration-queue"),
    path("manage/residents/<int:pk>/", views.registration_decide, name="registration-decide"),
    path("manage/staff/", views.staff_list, name="staff-list"),
    path("manage/staff/invite/", views.staff_invite, name="staff-invite"),
    path("manage/staff/<int:pk>/", views.membership_edit, name="membership-edit"),
    path(
        "manage/invitations/<int:pk>/withdraw/",
        views.invitation_withdraw,
        name="invitation-withdraw",
    ),
]
