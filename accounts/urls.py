from django.urls import path

from . import subject_access_views as sar
from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("keep-alive/", views.keep_alive, name="keep_alive"),
    path("password/", views.ChangePasswordView.as_view(), name="change_password"),
    path("password-reset/", views.ResetPasswordRequestView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.ResetPasswordSentView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.ResetPasswordConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("two-factor/", views.TwoFactorStatusView.as_view(), name="two_factor"),
    path("two-factor/code/", views.TwoFactorVerifyView.as_view(), name="two_factor_verify"),
    path("two-factor/backup-code/", views.TwoFactorBackupCodeView.as_view(), name="two_factor_backup"),
    path("two-factor/set-up/", views.TwoFactorSetupView.as_view(), name="two_factor_setup"),
    path(
        "two-factor/backup-codes/", views.TwoFactorBackupCodesView.as_view(), name="two_factor_backup_codes"
    ),
    path("people/<int:pk>/two-factor/reset/", views.TwoFactorResetView.as_view(), name="two_factor_reset"),
    path("subject-access/", sar.subject_access_find, name="subject_access"),
    path("subject-access/<int:pk>/", sar.subject_access_export, name="subject_access_export"),
    path("password-reset/done/", views.ResetPasswordCompleteView.as_view(), name="password_reset_complete"),
]
