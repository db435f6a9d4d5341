from django.conf import settings
from django.core.checks import Error, register

from .sms import BACKENDS


@register()
def otp_fixed_code_only_in_debug(app_configs, **kwargs):
    if settings.OTP_FIXED_CODE and not settings.DEBUG:
        return [Error(
            "OTP_FIXED_CODE is set while DEBUG=False: every account would open with one code.",
            hint="Unset OTP_FIXED_CODE in production; it is for local development only.",
            id="tickets.E001",
        )]
    return []


@register()
def sms_backend_safe_in_production(app_configs, **kwargs):
    backend = settings.SMS_BACKEND
    if settings.DEBUG or backend not in ("", "console"):
        return []
    state = "is not set" if not backend else "is 'console'"
    return [Error(
        f"SMS_BACKEND {state} while DEBUG=False: every one-time code would go to the log.",
        hint="Set SMS_BACKEND=smsru or smsc (with its credentials), or file explicitly "
             "for a gateway's spool folder or a staging stand.",
        id="tickets.E004",
    )]


@register()
def sms_backend_configured(app_configs, **kwargs):
    backend = settings.SMS_BACKEND
    if not backend:
        return []  # tickets.E004 says it
    if backend not in BACKENDS:
        return [Error(f"SMS_BACKEND={backend!r} is unknown.",
                      hint=f"Use one of: {', '.join(BACKENDS)}.", id="tickets.E002")]
    missing = {
        "smsru": [name for name in ("SMSRU_API_ID",) if not getattr(settings, name)],
        "smsc": [name for name in ("SMSC_LOGIN", "SMSC_PASSWORD") if not getattr(settings, name)],
    }.get(backend, [])
    if missing:
        return [Error(f"SMS_BACKEND={backend!r} needs {', '.join(missing)}.",
                      hint="Set them in the environment.", id="tickets.E003")]
    return []
