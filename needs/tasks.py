"""Background work for needs data: tasks take ids, load, and call a service."""

import logging

from celery import shared_task
from django.core.files.storage import storages

from .models import Dataset, DatasetStatus

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, queue="imports")
def import_dataset(dataset_id: int) -> str:
    """Load a prepared dataset from its stored file. Safe to run twice: a complete one is left alone and
    an interrupted one is cleared and loaded again."""
    from .importers import ImportRefused, parse_file
    from .services.imports import dataset_fail, dataset_load

    dataset = Dataset.objects.filter(pk=dataset_id).first()
    if dataset is None or dataset.status != DatasetStatus.IMPORTING:
        return "nothing to do"
    storage = storages["private"]
    meta_name = f"{dataset.stored_name}.meta.csv"
    try:
        with storage.open(dataset.stored_name, "rb") as handle:
            meta = storage.open(meta_name, "rb") if storage.exists(meta_name) else None
            try:
                parsed = parse_file(
                    handle, file_name=dataset.file_name, source=dataset.source, meta_file=meta
                )
            finally:
                if meta is not None:
                    meta.close()
        dataset_load(dataset=dataset, parsed=parsed)
    except ImportRefused as refused:
        dataset_fail(dataset=dataset, error="\n".join(str(problem) for problem in refused.problems))
        return "refused"
    except Exception as exc:
        logger.exception("Import of dataset %s failed", dataset_id)
        error = f"The import stopped unexpectedly ({type(exc).__name__}). Try again."
        dataset_fail(dataset=dataset, error=error)
        return "failed"
    return "complete"
