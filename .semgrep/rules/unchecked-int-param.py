# semgrep --test fixtures for unchecked-int-param ("ruleid" lines must match, "ok" lines must not).
from decimal import Decimal

from zhifu_reopen.params import id_param, int_param


def page(request):
    # ruleid: unchecked-int-param
    number = int(request.GET.get("page", 1))
    # ruleid: unchecked-int-param
    size = int(request.GET["size"])
    raw = request.POST.get("amount")
    # ruleid: unchecked-int-param
    amount = float(raw)
    # ruleid: unchecked-int-param
    price = Decimal(request.POST["price"])
    # ok: unchecked-int-param
    checked = int_param(request.GET, "page", default=1, min_value=1)
    # ok: unchecked-int-param
    pk = id_param(request.POST, "id")
    # ok: unchecked-int-param
    count = int(len(request.GET.getlist("id")))
    # ok: unchecked-int-param
    fixed = int("42")
    return number, size, amount, price, checked, pk, count, fixed


def saved_filter(params):
    # ruleid: unchecked-int-param
    return int(params.get("jurisdiction"))


def view(self):
    # ruleid: unchecked-int-param
    return int(self.request.GET.get("n"))
