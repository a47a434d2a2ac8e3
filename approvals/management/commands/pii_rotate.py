from django.core.management.base import BaseCommand

from approvals.services.personal import personal_data_rotate


class Command(BaseCommand):
    help = ("用 PII_KEYS 的第一个密钥重新加密全部返岗员工个人信息，并按 PII_INDEX_KEY 重算身份证号索引"
            "（Re-encrypt every returning employee under the first key of PII_KEYS; then the old key may go）.")

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="每批行数（默认 500）")

    def handle(self, *args, batch_size, **options):
        done = personal_data_rotate(batch_size=max(batch_size, 1),
                                    progress=lambda n: self.stderr.write(f"  {n}") if n % 5000 == 0 else None)
        self.stdout.write(f"re-encrypted {done} returning employees")
