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


class DenialAuditMiddleware:
    """A page refused to a signed-in user is an audit entry (``access.deny``): every 403, and a 404 of an
    object's page (a URL with arguments: the object is outside the user's scope or does not exist). The
    normal path costs one comparison of the status code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        status = response.status_code
        if status == 403 or status == 404:
            self._record(request, status)
        return response

    @staticmethod
    def _record(request, status: int) -> None:
        from .audit import audit_record

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        match = getattr(request, "resolver_match", None)
        if status == 404 and not (match and (match.kwargs or match.args)):
            return
        audit_record(
            actor=user, action="access.deny", target_repr=request.path[:300],
            after={"status": status, "method": request.method,
                   "view": match.view_name if match else ""},
        )
