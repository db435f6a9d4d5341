"""Portal-wide refusals: the webhook's secret, scope or rights, an overload block, a field
the portal made required. Any job would meet them, so the whole Bitrix channel waits
(a delivery ``Pause`` with scope ""), longer each time, and the next job due after the
pause is the probe: the first call that goes through resumes everything.
"""

from datetime import timedelta

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from delivery.models import Pause

from .client import ACCESS_DENIED, REQUIRED_FIELD, BitrixError
from .models import CHANNEL, PortalState

FIRST_WAIT_SECONDS = 60
MAX_WAIT_SECONDS = 3600
FINAL_WAIT = timedelta(days=3650)  # PORTAL_DELETED: until an operator lifts the pause

REASONS = {
    "INVALID_CREDENTIALS": gettext_lazy("неверный секрет в адресе вебхука"),
    "NO_AUTH_FOUND": gettext_lazy("вебхук не найден: проверьте адрес"),
    "INSUFFICIENT_SCOPE": gettext_lazy("у вебхука нет права crm: добавьте его в настройках вебхука"),
    "ACCESS_DENIED": gettext_lazy("у владельца вебхука нет доступа к лидам или сделкам"),
    "ERROR_METHOD_NOT_FOUND": gettext_lazy("неверный адрес вебхука (метод не найден)"),
    "REDIRECT": gettext_lazy("портал ответил переадресацией"),
    "OVERLOAD_LIMIT": gettext_lazy("Битрикс24 заблокировал REST API за перегрузку "
                                   "(снимает поддержка Битрикс24)"),
    "PORTAL_DELETED": gettext_lazy("портал удалён: отправка остановлена насовсем"),
    "EXPIRED_TOKEN": gettext_lazy("токен вебхука истёк"),
    "INVALID_TOKEN": gettext_lazy("токен вебхука недействителен"),
}


def reason(error: BitrixError) -> str:
    """What an operator should do about this refusal, in one phrase."""
    if known := REASONS.get((error.code or "").upper()):
        return str(known)
    text = error.description or ""
    if ACCESS_DENIED.search(text):
        return _("у владельца вебхука нет прав добавлять или менять лиды и сделки")
    if REQUIRED_FIELD.search(text):
        return _("на портале появилось обязательное поле — заполните его или снимите "
                 "обязательность")
    return _("Битрикс24 отказал вебхуку")


def is_config(error: BitrixError) -> bool:
    """Something on the portal must change (cron exits 2); an overload block only waits."""
    return (error.code or "").upper() != "OVERLOAD_LIMIT"


def pause_until(error: BitrixError):
    """When to probe again; each refusal in a row doubles the wait, up to an hour."""
    if error.final:
        return timezone.now() + FINAL_WAIT
    state = PortalState.get()
    PortalState.objects.filter(pk=state.pk).update(refusals=F("refusals") + 1)
    seconds = min(FIRST_WAIT_SECONDS * 2 ** min(state.refusals, 16), MAX_WAIT_SECONDS)
    return timezone.now() + timedelta(seconds=seconds)


def line(error: BitrixError) -> str:
    return _("Битрикс24 отказал всему порталу: %(reason)s (%(error)s). Все задания ждут; "
             "проверка сама повторится.") % {"reason": reason(error), "error": str(error)}


def went_through() -> None:
    """A call succeeded: the next refusal starts from the first wait again."""
    PortalState.objects.filter(refusals__gt=0).update(refusals=0)


def active_pause() -> Pause | None:
    """The pause of the whole Bitrix channel, while it holds."""
    return Pause.objects.filter(channel=CHANNEL, scope="", until__gt=timezone.now()).first()


def status_line() -> str:
    pause = active_pause()
    if pause is None:
        return ""
    until = timezone.localtime(pause.until)
    return _("Отправка в Битрикс24 приостановлена до %(until)s: %(reason)s") % {
        "until": until.strftime("%d.%m.%Y %H:%M"), "reason": pause.reason}
