from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.http import require_POST

from core.audit import audit_record
from core.models import AuditAction
from core.permissions import SIGNED_IN, RequiresPermission, requires

from . import two_factor
from .forms import (
    BackupCodeForm,
    ChangePasswordForm,
    ResetPasswordForm,
    ResetPasswordRequestForm,
    SignInForm,
    TwoFactorCodeForm,
)
from .models import User


class SignInView(auth_views.LoginView):
    """Public: the sign-in page. Django marks LoginView login_not_required."""

    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["timed_out"] = self.request.GET.get("timeout") == "1"
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        two_factor.two_factor_mark_sign_in(request=self.request, user=form.get_user())
        return response


class SignOutView(RequiresPermission, auth_views.LogoutView):
    """Signing out is a POST; after an idle timeout the page adds timeout=1 and the sign-in page says why."""

    required_permission = SIGNED_IN
    two_factor_exempt = True  # signing out always works, code or no code

    def get_success_url(self):
        url = reverse("accounts:login")
        return f"{url}?timeout=1" if self.request.POST.get("timeout") == "1" else url

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            # A second tab already signed out: nothing to do but show the sign-in page.
            return redirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)


@require_POST
@requires(SIGNED_IN)
def keep_alive(request):
    """Resets the idle timer (now, not at the next minute's refresh). Scripts get 204; forms go back."""
    request.session.modified = True
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("dashboard:home")
    return redirect(next_url)


keep_alive.two_factor_exempt = True  # the session timeout warning works on the code page too


class ChangePasswordView(RequiresPermission, auth_views.PasswordChangeView):
    required_permission = "accounts.change_own_password"
    template_name = "accounts/change_password.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("dashboard:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password has been changed.")
        return response


class ResetPasswordRequestView(auth_views.PasswordResetView):
    """Public: ask for a reset link. The answer is the same whether or not the address has an account."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    form_class = ResetPasswordRequestForm
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_email_context = {"service_name": "SEND Commissioning"}


class ResetPasswordSentView(auth_views.PasswordResetDoneView):
    """Public: check your email."""

    template_name = "accounts/password_reset_done.html"


class ResetPasswordConfirmView(auth_views.PasswordResetConfirmView):
    """Public, but only with a valid one-time link from the email."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = ResetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(
            action=AuditAction.UPDATE, actor=form.user, target=form.user, detail={"password": "reset"}
        )
        return response


class ResetPasswordCompleteView(auth_views.PasswordResetCompleteView):
    """Public: your password has been set."""

    template_name = "accounts/password_reset_complete.html"


def _safe_next(request) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return next_url
    return reverse("dashboard:home")


def _keep_next(request, form) -> None:
    """Post the form back with the page the person was going to, so they land there afterwards."""
    form.helper.form_action = f"?{urlencode({'next': _safe_next(request)})}"


class _CodeStepView(RequiresPermission, View):
    """The code step after the password: a code is checked, then the person goes where they were going.
    Subclasses name the form, how its code is checked and the page offering the other kind of code."""

    required_permission = SIGNED_IN
    two_factor_exempt = True
    template_name = ""
    form_class = None
    form_kwargs: dict = {}
    # The context name and URL name of the link to the other kind of code.
    other_page: tuple[str, str] = ("", "")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect("accounts:login")
        return super().dispatch(request, *args, **kwargs)

    def verify(self, request, code: str):
        raise NotImplementedError

    def accepted(self, request, result) -> None:
        """What else happens once the code is accepted (before going on)."""

    def get(self, request):
        if not two_factor.two_factor_pending(request):
            return redirect(_safe_next(request))
        if two_factor.two_factor_device(request.user) is None:
            return redirect("accounts:two_factor_setup")
        return self.render(self.form_class())

    def post(self, request):
        if not two_factor.two_factor_pending(request):
            return redirect(_safe_next(request))
        form = self.form_class(request.POST, **self.form_kwargs)
        if form.is_valid():
            result = self.verify(request, form.cleaned_data["code"])
            if result.locked_out:
                return render(request, "accounts/locked_out.html", status=429)
            if result.accepted:
                self.accepted(request, result)
                return redirect(_safe_next(request))
            form.add_error("code", result.error)
        return self.render(form)

    def render(self, form):
        _keep_next(self.request, form)
        name, url_name = self.other_page
        context = {"form": form, name: _with_next(self.request, url_name)}
        return render(self.request, self.template_name, context)


class TwoFactorVerifyView(_CodeStepView):
    """After the password: "Enter the code" from the person's authenticator app."""

    template_name = "accounts/two_factor_verify.html"
    form_class = TwoFactorCodeForm
    form_kwargs = {"submit_label": "Continue"}
    other_page = ("backup_url", "accounts:two_factor_backup")

    def verify(self, request, code: str):
        return two_factor.two_factor_verify(request=request, code=code)


def _with_next(request, name: str) -> str:
    """Another two-factor page, carrying on to the page the person was going to."""
    return f"{reverse(name)}?{urlencode({'next': _safe_next(request)})}"


def _backup_codes_page(request, codes, *, continue_url: str, first: bool):
    """The new backup codes, shown this once: never cached, never kept in the session."""
    context = {
        "codes": [two_factor.backup_code_display(code) for code in codes],
        "continue_url": continue_url,
        "first": first,
    }
    response = render(request, "accounts/two_factor_backup_codes_new.html", context)
    add_never_cache_headers(response)
    return response


def _backup_codes_left_message(left: int) -> str:
    codes = "backup code" if left == 1 else "backup codes"
    if left == 0:
        return (
            "You signed in with your last backup code. Make new backup codes now from the "
            "Two-factor sign-in page (the link is at the bottom of every page)."
        )
    if left <= two_factor.BACKUP_CODES_LOW:
        return (
            f"You signed in with a backup code. You have {left} {codes} left. Make new backup codes "
            "from the Two-factor sign-in page (the link is at the bottom of every page)."
        )
    return f"You signed in with a backup code. You have {left} {codes} left."


class TwoFactorBackupCodeView(_CodeStepView):
    """The code step with a backup code instead: for a person who cannot use their authenticator app."""

    template_name = "accounts/two_factor_backup.html"
    form_class = BackupCodeForm
    other_page = ("app_url", "accounts:two_factor_verify")

    def verify(self, request, code: str):
        return two_factor.two_factor_verify_backup(request=request, code=code)

    def accepted(self, request, result) -> None:
        messages.warning(request, _backup_codes_left_message(result.backup_codes_left))


class TwoFactorSetupView(RequiresPermission, View):
    """Set up an authenticator app: a QR code and the key written out, then the first code confirms it."""

    required_permission = SIGNED_IN
    two_factor_exempt = True
    template_name = "accounts/two_factor_setup.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect("accounts:login")
        if two_factor.two_factor_device(request.user) is not None:
            # Never a second app before the first one's code: that would bypass the code step.
            if request.user.is_verified():
                messages.info(request, "Two-factor sign-in is already set up.")
                return redirect("accounts:two_factor")
            return redirect("accounts:two_factor_verify")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.render(TwoFactorCodeForm(submit_label="Confirm and continue"))

    def post(self, request):
        form = TwoFactorCodeForm(request.POST, submit_label="Confirm and continue")
        if form.is_valid():
            result = two_factor.two_factor_confirm_setup(request=request, code=form.cleaned_data["code"])
            if result.locked_out:
                return render(request, "accounts/locked_out.html", status=429)
            if result.accepted:
                messages.success(request, "Two-factor sign-in is set up. Keep your authenticator app safe.")
                return _backup_codes_page(
                    request, result.backup_codes, continue_url=_safe_next(request), first=True
                )
            form.add_error("code", result.error)
        return self.render(form)

    def render(self, form):
        device = two_factor.two_factor_setup_device(user=self.request.user)
        context = {
            "form": form,
            "qr_code": two_factor.qr_code_svg(device),
            "manual_key": two_factor.manual_key(device),
            "required": two_factor.two_factor_required(self.request.user),
        }
        _keep_next(self.request, form)
        return render(self.request, self.template_name, context)


class TwoFactorStatusView(RequiresPermission, View):
    """Whether two-factor sign-in is on for you, and how to set it up or get it reset."""

    required_permission = SIGNED_IN

    def get(self, request):
        device = two_factor.two_factor_device(request.user)
        left = two_factor.backup_codes_left(request.user) if device else 0
        context = {
            "device": device,
            "required": two_factor.two_factor_required(request.user),
            "backup_codes_left": left,
            "backup_codes_low": left <= two_factor.BACKUP_CODES_LOW,
        }
        return render(request, "accounts/two_factor.html", context)


class TwoFactorBackupCodesView(RequiresPermission, View):
    """Make a new set of backup codes, replacing the old: your own only, once your sign-in is verified."""

    required_permission = SIGNED_IN
    template_name = "accounts/two_factor_backup_codes.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (
            two_factor.two_factor_device(request.user) is not None and request.user.is_verified()
        ):
            # Nobody without an app (a forum member or provider who has not set one up) has codes.
            messages.info(request, "Set up two-factor sign-in first: you get backup codes when you do.")
            return redirect("accounts:two_factor")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        context = {"backup_codes_left": two_factor.backup_codes_left(request.user)}
        return render(request, self.template_name, context)

    def post(self, request):
        codes = two_factor.backup_codes_make(user=request.user)
        return _backup_codes_page(request, codes, continue_url=reverse("accounts:two_factor"), first=False)


class TwoFactorResetView(RequiresPermission, View):
    """A staff admin removes a person's authenticator app (a lost phone): confirm, then reset."""

    required_permission = "accounts.reset_two_factor"
    template_name = "accounts/two_factor_reset.html"

    def get(self, request, pk):
        person = get_object_or_404(User, pk=pk)
        context = {"person": person, "device": two_factor.two_factor_device(person)}
        return render(request, self.template_name, context)

    def post(self, request, pk):
        person = get_object_or_404(User, pk=pk)
        two_factor.two_factor_reset(person=person, actor=request.user)
        messages.success(
            request,
            f"Two-factor sign-in reset for {person.email}. They set up a new app when they next sign in.",
        )
        return redirect("admin:accounts_user_change", person.pk)
