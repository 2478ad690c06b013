from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import AuditedAdminMixin

from .models import Organisation, RoleAssignment, User
from .services import user_sync_support_access


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fields = ["role", "granted_at"]
    readonly_fields = ["granted_at"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "role":
            # A table's column heading does not label the select in each row: name it for screen readers.
            formfield.widget.attrs["aria-label"] = "Role"
        return formfield


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "ons_code"]
    list_filter = ["kind"]
    search_fields = ["name", "ons_code"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(User)
class UserAdmin(AuditedAdminMixin, SimpleHistoryAdmin):
    """People: no passwords are set here (people reset their own); superuser status is not offered."""

    list_display = ["email", "full_name", "organisation", "is_active", "last_login"]
    list_select_related = ["organisation"]  # nullable, so Django would fetch it once per row
    list_filter = ["organisation__kind", "is_active", "organisation"]
    search_fields = ["email", "full_name"]
    fields = ["email", "full_name", "organisation", "is_active", "last_login", "date_joined"]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [RoleAssignmentInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.set_unusable_password()  # a new person sets their own through "Forgotten your password?"
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user_sync_support_access(user=form.instance)
