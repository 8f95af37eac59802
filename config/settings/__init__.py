"""Settings: a base module plus small topic modules. Production differs only by environment."""
from .base import *  # noqa: F401,F403
from .database import *  # noqa: F401,F403
from .security import *  # noqa: F401,F403
from .celery import *  # noqa: F401,F403
from .api import *  # noqa: F401,F403
