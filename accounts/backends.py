from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Django's model backend, loading the person's organisation with them (every page shows it).

    Django's model permissions serve the support admin only, and only staff admins (is_staff) reach it:
    nobody else is ever given one. So for everyone else the backend answers "no permissions" without
    asking the database, which it would otherwise do twice on every page (each `has_perm` the service's
    rules refuse falls through to this backend).
    """

    def get_user(self, user_id):
        user = self.user_model_queryset().filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    def user_model_queryset(self):
        from django.contrib.auth import get_user_model

        return get_user_model()._default_manager.select_related("organisation")

    def _get_permissions(self, user_obj, obj, from_name):
        if not user_obj.is_staff:
            return set()
        return super()._get_permissions(user_obj, obj, from_name)
