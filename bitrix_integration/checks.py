from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Warning, register

from tickets.models import Ticket


@register()
def status_map_names_local_statuses(app_configs, **kwargs):
    unknown = sorted(set(settings.BITRIX_STATUS_MAP) - set(Ticket.Status.values))
    if unknown:
        return [Warning(
            f"BITRIX_STATUS_MAP names unknown local statuses: {', '.join(unknown)}.",
            hint=f"Local statuses are: {', '.join(Ticket.Status.values)}.",
            id="bitrix_integration.W001",
        )]
    return []


@register(deploy=True)
def webhook_url_is_https(app_configs, **kwargs):
    url = settings.BITRIX_WEBHOOK_URL
    host = urlsplit(url).hostname or ""
    if url and url.startswith("http://") and host not in ("127.0.0.1", "localhost", "::1"):
        return [Warning("BITRIX_WEBHOOK_URL uses plain http: the secret in it travels unencrypted.",
                        hint="Use the https:// address of your Bitrix24 portal.",
                        id="bitrix_integration.W002")]
    return []
