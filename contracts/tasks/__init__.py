"""Review's background work, one module per sub-domain; Celery's autodiscovery imports this package."""

from .capacity import *  # noqa: F403
from .checks import *  # noqa: F403
from .watches import *  # noqa: F403
