"""Support admin for consultations: read-only, so every change goes through the audited services."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Comment, Consultation, ForumVisit, Response


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "organisation", "status", "opens_on", "closes_on")
    list_filter = ("status",)


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "consultation", "forum", "created_at")


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "outcome", "responded_at")


@admin.register(ForumVisit)
class ForumVisitAdmin(ReadOnlyAdmin):
    list_display = ("user", "last_seen_at")
