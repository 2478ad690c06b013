from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.audit import audit_record
from core.models import AuditAction
from core.permissions import SIGNED_IN, RequiresPermission, requires

from .forms import ChangePasswordForm, ResetPasswordForm, ResetPasswordRequestForm, SignInForm


class SignInView(auth_views.LoginView):
    """Public: the sign-in page. Django marks LoginView login_not_required."""

    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["timed_out"] = self.request.GET.get("timeout") == "1"
        return context


class SignOutView(RequiresPermission, auth_views.LogoutView):
    """Signing out is a POST; after an idle timeout the page adds timeout=1 and the sign-in page says why."""

    required_permission = SIGNED_IN

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
    """Resets the idle timer (the session is saved on every request). Scripts get 204; forms go back."""
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("dashboard:home")
    return redirect(next_url)


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
