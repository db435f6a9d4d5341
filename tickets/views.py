"""Client pages. Thin: parse a form, call one service, render or redirect."""

import secrets
import time
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from phonenumber_field.phonenumber import to_python

from supportportal.net import client_ip

from . import pages, selectors, services
from .forms import CommentForm, LoginForm, RatingForm, TicketForm, VerifyForm
from .models import Message, Ticket

SESSION_PHONE_KEY = "otp_phone"
SESSION_NEXT_KEY = "otp_next"
# The browser's own secret its codes are bound to (services.otp_send's ``owner``).
SESSION_OTP_OWNER_KEY = "otp_owner"
# When this browser may ask for a new code (a Unix time): the code page counts down to it.
SESSION_RESEND_AT_KEY = "otp_resend_at"
TICKETS_PER_PAGE = 20


def _after_login(request, kwargs):
    """Where to come back after logging in: the page asked for, or, for a comment
    or rating POST (those URLs answer POST only), the ticket's card."""
    if request.method != "GET" and "ticket_id" in kwargs:
        return reverse("tickets:detail", args=[kwargs["ticket_id"]])
    return request.get_full_path()


def _to_login(request, kwargs):
    query = urlencode({"next": _after_login(request, kwargs)}, safe="/")
    return redirect(f"{reverse('tickets:login')}?{query}")


def client_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.client:
            return _to_login(request, kwargs)
        return view(request, *args, **kwargs)

    return wrapper


def own_ticket_required(view):
    """Like ``client_required``, for a ticket's pages: calls ``view(request, ticket)``
    with the client's own ticket, which brings the client along (one query, not two).
    Another client's ticket, or none, is a 404."""

    @wraps(view)
    def wrapper(request, ticket_id):
        client_id = selectors.session_client_id(request.session)
        ticket = None
        if client_id is not None:
            ticket = selectors.client_ticket_get(client_id=client_id, ticket_id=ticket_id)
        if ticket is None:
            if not request.client:  # not logged in, or the client is gone
                return _to_login(request, {"ticket_id": ticket_id})
            raise Http404(_("Заявка не найдена."))
        request.client = ticket.client
        return view(request, ticket)

    return wrapper


def _safe_next(request, candidate):
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("tickets:list")


@require_GET
def home(request):
    return redirect("tickets:list" if request.client else "tickets:login")


def _error_status(exc):
    """429 for a refusal that passes with time (a rate limit), else 400."""
    if getattr(exc, "retry_after", None) or getattr(exc, "code", None) == "rate_limit":
        return 429
    if any(error.code == "rate_limit" for errors in getattr(exc, "error_dict", {}).values()
           for error in errors):
        return 429
    return 400


@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request):
    # GET writes nothing to the session (an anonymous visit makes no session row):
    # ``next`` rides in the form until the POST.
    if request.method == "GET":
        if request.client:
            return redirect("tickets:list")
        form = LoginForm(initial={"next": request.GET.get("next", "")})
        return render(request, "tickets/login.html", {"form": form})

    form = LoginForm(request.POST)
    if not form.is_valid():
        return render(request, "tickets/login.html", {"form": form}, status=400)
    phone = form.cleaned_data["phone"]
    if form.cleaned_data["next"]:
        request.session[SESSION_NEXT_KEY] = form.cleaned_data["next"]
    owner = request.session.setdefault(SESSION_OTP_OWNER_KEY, secrets.token_urlsafe(32))
    try:
        sent = services.otp_send(phone=phone, ip=client_ip(request), owner=owner)
    except services.OtpError as exc:
        if exc.error_code == "cooldown":
            # This browser got a code a moment ago (a double tap, a back button):
            # it still works, so take the client to where it is entered.
            request.session[SESSION_PHONE_KEY] = phone
            request.session[SESSION_RESEND_AT_KEY] = time.time() + exc.retry_after
            messages.info(request, exc.messages[0])
            return redirect("tickets:verify")
        form.add_error("phone", exc.messages[0])
        return render(request, "tickets/login.html", {"form": form}, status=_error_status(exc))
    request.session[SESSION_PHONE_KEY] = phone
    request.session[SESSION_RESEND_AT_KEY] = sent.resend_at.timestamp()
    return redirect("tickets:verify")


@never_cache
@require_http_methods(["GET", "POST"])
def verify_view(request):
    phone = request.session.get(SESSION_PHONE_KEY)
    if not phone:
        messages.info(request, _("Сначала введите номер телефона: мы пришлём код."))
        return redirect("tickets:login")
    # Bound on every POST, even an empty one, so a POST without fields shows errors.
    form = VerifyForm(request.POST if request.method == "POST" else None)
    resend_at = request.session.get(SESSION_RESEND_AT_KEY)
    resend_wait = pages.resend_wait_seconds(resend_at)
    context = {"form": form, "phone": phone, "phone_display": to_python(phone).as_international,
               "resend_wait": resend_wait,
               "resend_clock": pages.clock_text(resend_at) if resend_wait else ""}
    if request.method == "GET":
        return render(request, "tickets/verify.html", context)
    if not form.is_valid():
        return render(request, "tickets/verify.html", context, status=400)
    try:
        client = services.otp_verify(phone=phone, code=form.cleaned_data["code"],
                                     owner=request.session.get(SESSION_OTP_OWNER_KEY, ""),
                                     ip=client_ip(request))
    except services.OtpError as exc:
        form.add_error("code", exc.messages[0])
        context["code_spent"] = exc.error_code in ("expired", "attempts_exhausted", "used")
        return render(request, "tickets/verify.html", context, status=_error_status(exc))

    next_url = _safe_next(request, request.session.get(SESSION_NEXT_KEY))
    request.session.cycle_key()  # a new session key at login: no session fixation
    for key in (SESSION_PHONE_KEY, SESSION_NEXT_KEY, SESSION_OTP_OWNER_KEY,
                SESSION_RESEND_AT_KEY):
        request.session.pop(key, None)
    request.session[selectors.SESSION_CLIENT_KEY] = client.pk
    return redirect(next_url)


@require_POST
def logout_view(request):
    request.session.flush()
    messages.info(request, _("Вы вышли из портала."))
    return redirect("tickets:login")


@require_GET
def ticket_list(request):
    # The client comes with their tab counts (one query, not two); the pager takes its
    # count from them. Two tabs, open (the default) and closed; ``?status=<code>`` (the
    # contract) narrows the list to one status. Anything else is the default tab.
    client = selectors.client_with_tab_counts(selectors.session_client_id(request.session))
    if client is None:
        return _to_login(request, {})
    request.client = client
    status = request.GET.get("status") or ""
    if status not in Ticket.Status.values and status not in selectors.CLIENT_TABS:
        status = "open"
    paginator = Paginator(selectors.client_ticket_list(client_id=client.pk, status=status),
                          TICKETS_PER_PAGE)
    if status in client.tab_counts:
        paginator.count = client.tab_counts[status]
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "tickets/ticket_list.html", {
        "page": page,
        "tickets": page.object_list,
        "status": status,
        "status_label": Ticket.client_status_label(status),
        "counts": client.tab_counts,
    })


@require_http_methods(["GET", "POST"])
@client_required
def ticket_new(request):
    form = (TicketForm(request.POST, request.FILES) if request.method == "POST"
            else TicketForm())
    if request.method == "POST" and form.is_valid():
        try:
            ticket = services.ticket_create(client=request.client, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
            return render(request, "tickets/ticket_new.html", {"form": form},
                          status=_error_status(exc))
        messages.success(request, pages.filing_notice(ticket))
        return redirect("tickets:detail", ticket_id=ticket.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "tickets/ticket_new.html", {"form": form}, status=status)


def _render_card(request, ticket, *, comment_form=None, rating_form=None, status=200,
                 seen_before=None):
    rating_initial = {"rating": ticket.rating, "comment": ticket.rating_comment}
    description, description_rest = pages.description_parts(ticket.description)
    dialog, description_files = selectors.ticket_dialog(ticket=ticket, public=True)
    return render(request, "tickets/ticket_detail.html", {
        "ticket": ticket,
        "description": description,
        "description_rest": description_rest,
        "seen_before": seen_before,
        "dialog": dialog,
        "description_files": description_files,
        "history": selectors.ticket_status_history(ticket=ticket),
        "sla_promises": selectors.ticket_sla_promises(ticket=ticket),
        "comment_form": comment_form or CommentForm(),
        "rating_form": rating_form or RatingForm(initial=rating_initial),
        "client_kind": Message.AuthorKind.CLIENT,
    }, status=status)


@require_GET
@own_ticket_required
def ticket_detail(request, ticket):
    seen_before = ticket.client_seen_at  # what was new when the client came: marked once
    services.ticket_mark_seen(ticket=ticket)
    return _render_card(request, ticket, seen_before=seen_before)


@require_POST
@own_ticket_required
def ticket_comment(request, ticket):
    form = CommentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.message_add(
                ticket=ticket, author_kind=Message.AuthorKind.CLIENT,
                text=form.cleaned_data["text"], source=Message.Source.PORTAL,
                files=form.cleaned_data["files"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            ticket.refresh_from_db()
            return _render_card(request, ticket, comment_form=form, status=_error_status(exc))
        messages.success(request, _("Сообщение отправлено."))
        return redirect(reverse("tickets:detail", args=[ticket.pk]) + "#last")
    ticket.refresh_from_db()
    return _render_card(request, ticket, comment_form=form, status=400)


@require_POST
@own_ticket_required
def ticket_rate(request, ticket):
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.ticket_rate(ticket=ticket, rating=form.cleaned_data["rating"],
                                 comment=form.cleaned_data["comment"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Спасибо за оценку!"))
            return redirect(reverse("tickets:detail", args=[ticket.pk]) + "#rating")
    return _render_card(request, ticket, rating_form=form, status=400)


@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001  any database failure means "not healthy"
        return JsonResponse({"status": "error", "detail": exc.__class__.__name__}, status=503)
    return JsonResponse({"status": "ok"})
