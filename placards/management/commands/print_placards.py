import time

from django.core.management.base import BaseCommand, CommandError

from org.models import Jurisdiction
from placards.models import Placard
from placards.pdf import FontUnavailable
from placards.services import placards_print_to


class Command(BaseCommand):
    help = "把公示牌打印为一个多页PDF（Print placards into one multi-page PDF）."

    def add_arguments(self, parser):
        parser.add_argument("--jurisdiction", help="街道/园区代码，例如 370602001")
        parser.add_argument("--limit", type=int, help="最多打印多少张")
        parser.add_argument("--status", choices=[s for s, _ in Placard.Status.choices], default="valid",
                            help="状态（默认 valid）")
        parser.add_argument("--new", action="store_true", help="只打印尚未批量打印过的")
        parser.add_argument("-o", "--output", required=True, help="输出的PDF文件")

    def handle(self, *args, jurisdiction, limit, status, new, output, **options):
        qs = Placard.objects.filter(status=status)
        if jurisdiction:
            if not Jurisdiction.objects.filter(code=jurisdiction).exists():
                raise CommandError(f"没有代码为 {jurisdiction} 的街道/园区。")
            qs = qs.filter(enterprise__jurisdiction__code=jurisdiction)
        if new:
            qs = qs.filter(printed_at__isnull=True)
        ids = list(qs.order_by("year", "serial").values_list("pk", flat=True)[:limit] if limit
                   else qs.order_by("year", "serial").values_list("pk", flat=True))
        started = time.monotonic()

        def progress(done):
            if done % 100 == 0:
                self.stderr.write(f"  {done}/{len(ids)}")

        try:
            pages = placards_print_to(output, ids, on_page=progress)
        except FontUnavailable as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"已打印 {pages} 张公示牌 → {output}（{time.monotonic() - started:.1f} 秒）"))
