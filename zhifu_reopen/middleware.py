from django.shortcuts import render
from django.utils.deprecation import MiddlewareMixin

from .params import BadParameter


class ChineseByDefaultMiddleware(MiddlewareMixin):
    """The UI is Chinese unless the user picks English with the language switch (a cookie).

    Django's LocaleMiddleware would otherwise follow the browser's Accept-Language, and a phone or a
    test browser set to English would silently get the English UI. Placed before LocaleMiddleware."""

    def process_request(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)


class BadParameterMiddleware:
    """A parameter the view could not read (``zhifu_reopen.params.BadParameter``) is a 400 page that
    says which one, not a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, BadParameter):
            return render(request, "400.html", {"exception": exception.message}, status=400)
        return None
