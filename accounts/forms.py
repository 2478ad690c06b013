from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)

from core.forms import GovFormMixin

from .two_factor import BACKUP_CODE_LENGTH


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


class TwoFactorCodeForm(GovFormMixin, forms.Form):
    """The 6-digit code from an authenticator app (spaces and dashes people type are ignored)."""

    code = forms.CharField(
        label="Code",
        help_text="The 6-digit code shown in your authenticator app, for example 123456",
        max_length=20,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input--width-5",
            }
        ),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split()).replace("-", "")
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise forms.ValidationError("Enter the 6-digit code from your authenticator app")
        return code


class BackupCodeForm(GovFormMixin, forms.Form):
    """One of the person's backup codes (spaces, dashes and capitals people type are ignored)."""

    code = forms.CharField(
        label="Backup code",
        help_text="One of the 10-character codes you saved when you set up two-factor sign-in, "
        "for example abcde 23456",
        max_length=40,
        error_messages={"required": "Enter a backup code"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "none",
                "spellcheck": "false",
                "class": "govuk-input--width-10",
            }
        ),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split()).replace("-", "").lower()
        if not (len(code) == BACKUP_CODE_LENGTH and code.isascii() and code.isalnum()):
            raise forms.ValidationError(
                "Enter the backup code as it was shown to you: 10 letters and numbers"
            )
        return code
