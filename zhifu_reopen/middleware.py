from django.utils.deprecation import MiddlewareMixin


class ChineseByDefaultMiddleware(MiddlewareMixin):
    """The UI is Chinese unless the user picks English with the language switch (a cookie).

    Django's LocaleMiddleware would otherwise follow the browser's Accept-Language, and a phone or a
    test browser set to English would silently get the English UI. Placed before LocaleMiddleware."""

    def process_request(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
