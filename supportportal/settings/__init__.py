"""Django settings: ``base`` (the portal itself) and ``channels`` (Bitrix24, Telegram,
notifications, delivery). Both read the environment; ``.env.example`` lists every variable."""

from .base import *  # noqa: F403
from .channels import *  # noqa: F403
