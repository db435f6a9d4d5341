from django.utils.functional import SimpleLazyObject

from .selectors import client_from_session


class ClientMiddleware:
    """Sets ``request.client``: the logged-in client or ``None``, loaded on first use."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.client = SimpleLazyObject(lambda: client_from_session(request.session))
        return self.get_response(request)
