"""Core: an organisation's documents and a person's notifications.

A document is its organisation's: its members download and remove it; everyone else gets 404 as if it
were missing. A notification is its recipient's alone: even a colleague gets 404.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from core.documents import document_store
from core.notifications import notification_send
from tests.access import only
from tests.matrix import Entry

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def provider_document(side):
    document = document_store(
        organisation=side.provider,
        uploaded_by=side.provider_user,
        uploaded_file=SimpleUploadedFile("insurance.pdf", PDF),
        title=f"Insurance certificate {side.name}",
    )
    return {"uuid": document.uuid}


def commissioner_notification(side):
    notification = notification_send(
        recipient=side.commissioner, kind="matrix", subject=f"Something happened {side.name}", url="/"
    )
    return {"pk": notification.pk}


PROVIDERS = {"provider_oakfield": 200, "provider_riverside": 200}

ENTRIES = [
    Entry(
        "core:document_download",
        make=provider_document,
        get=only(PROVIDERS, others=404),
        post=only({}, others=405),
        note="The provider's document: council staff and the operator get 404, as for a missing one.",
    ),
    Entry(
        "core:document_remove",
        make=provider_document,
        get=only(PROVIDERS, others=404),
        post=only({"provider_oakfield": 302, "provider_riverside": 302}, others=404),
        note="Posting the confirmation removes the document (and keeps its record).",
    ),
    Entry(
        "core:notification_open",
        make=commissioner_notification,
        get=only({}, others=405),
        post=only({"commissioner_northshire": 302, "commissioner_southvale": 302}, others=404),
        note="The side's commissioner's notification: nobody else's, even in the same council.",
    ),
]
