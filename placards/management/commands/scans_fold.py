from django.core.management.base import BaseCommand

from placards.services.scans import scans_fold


class Command(BaseCommand):
    help = ("把超过 PLACARD_SCAN_RAW_DAYS 天的扫码记录合并为每日统计并删除原始记录"
            "（Fold raw verify-page scans older than PLACARD_SCAN_RAW_DAYS into daily counts）.")

    def handle(self, *args, **options):
        self.stdout.write(f"folded {scans_fold()} scans into daily counts")
