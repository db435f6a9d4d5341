"""Production refuses keys anyone can guess (DESIGN, "Production rules (security)").

One place for the keys of every app, the Telegram one included before its app
exists: the rule is the project's, and so is ``.env.example``, whose demo
values ``make run`` copies into a laptop's ``.env``. The file is read at check
time, so a new demo value there is refused with no change here.
"""

from django.conf import settings
from django.core.checks import Error, register

KEYS = ("MANAGER_API_KEY", "BITRIX_INBOUND_KEY", "BITRIX_EVENT_TOKEN", "TELEGRAM_WEBHOOK_SECRET",
        "SECRET_KEY")
MIN_KEY_LENGTH = 24


def example_values(path) -> set[str]:
    """Every value ``.env.example`` sets (the file may be absent from a deployment)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return set()
    values = set()
    for line in lines:
        line = line.strip()
        if line.startswith("#") or "=" not in line:
            continue
        value = line.split("=", 1)[1].strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        if value:
            values.add(value)
    return values


@register()
def production_keys_are_not_guessable(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    demo_values = example_values(settings.BASE_DIR / ".env.example")
    errors = []
    for name in KEYS:
        value = getattr(settings, name, "") or ""  # empty: that endpoint is off
        if not value:
            continue
        if value in demo_values:
            errors.append(Error(
                f"{name} equals a demo value from .env.example while DEBUG=False.",
                hint=f"Set {name} to a long random string, e.g. "
                     "python -c 'import secrets; print(secrets.token_urlsafe(32))'.",
                id="supportportal.E001"))
        elif len(value) < MIN_KEY_LENGTH:
            errors.append(Error(
                f"{name} is shorter than {MIN_KEY_LENGTH} characters while DEBUG=False.",
                hint=f"Set {name} to a long random string, or leave it empty to switch "
                     "its endpoint off.",
                id="supportportal.E002"))
    return errors
