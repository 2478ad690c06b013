import rules


@rules.predicate
def is_signed_in_member(user) -> bool:
    """An active person who signed in and belongs to an organisation."""
    return bool(user.is_authenticated and user.is_active and user.organisation_id)


@rules.predicate
def is_document_owner(user, document) -> bool:
    return document is not None and document.organisation_id == user.organisation_id


rules.add_perm("core.signed_in", is_signed_in_member)
rules.add_perm("core.view_documents", is_signed_in_member)
rules.add_perm("core.upload_document", is_signed_in_member)
rules.add_perm("core.download_document", is_signed_in_member & is_document_owner)
rules.add_perm("core.remove_document", is_signed_in_member & is_document_owner)
rules.add_perm("core.view_notifications", is_signed_in_member)


@rules.predicate
def is_support_staff(user) -> bool:
    """The service operator's staff admins (Django's is_staff): support, the admin, the audit log."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


rules.add_perm("core.view_audit_log", is_signed_in_member & is_support_staff)
