from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from .selectors import client_from_session


class ClientMiddleware:
    """Sets ``request.client``: the logged-in client or ``None``, loaded on first use."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.client = SimpleLazyObject(lambda: client_from_session(request.session))
        return self.get_response(request)


# Client pages load scripts, styles, fonts and images from the portal itself and
# nothing inline: an injected <script> or onclick="…" does not run.
CLIENT_PAGES_CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


class ContentSecurityPolicyMiddleware:
    """Sets ``Content-Security-Policy`` on every answer but the admin's: Django's
    admin (the managers' workspace) keeps its own behaviour and scripts."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request):
        response = self.get_response(request)
        if self.admin_prefix is None:
            self.admin_prefix = reverse("admin:index")
        if not request.path.startswith(self.admin_prefix):
            response.headers.setdefault("Content-Security-Policy", CLIENT_PAGES_CSP)
        return response
