from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)

from core.forms import GovFormMixin


class SignInForm(GovFormMixin, AuthenticationForm):
    submit_label = "Sign in"
    error_messages = {
        "invalid_login": "Enter a correct email address and password. Both are case-sensitive after the @.",
        "inactive": "This account has been switched off. Ask your organisation's administrator.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "email", "spellcheck": "false", "autofocus": False}
        )
        self.fields["username"].error_messages = {"required": "Enter your email address"}
        self.fields["password"].error_messages = {"required": "Enter your password"}

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class ChangePasswordForm(GovFormMixin, PasswordChangeForm):
    submit_label = "Change password"


class ResetPasswordRequestForm(GovFormMixin, PasswordResetForm):
    submit_label = "Send reset link"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].error_messages = {
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        }


class ResetPasswordForm(GovFormMixin, SetPasswordForm):
    submit_label = "Set password"
