"""manage.py anchor_ledger: write a signed anchor of every case's chain head."""
import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from cases.anchors import anchor_daily, anchor_month_end
from cases.models import AnchorKind


class Command(BaseCommand):
    help = "Write a signed anchor of every case's chain head: daily (default: yesterday) or month end (default: last month)."

    def add_arguments(self, parser):
        parser.add_argument("--kind", choices=[AnchorKind.DAILY, AnchorKind.MONTH_END], default=AnchorKind.DAILY)
        parser.add_argument("--period", help="the day (YYYY-MM-DD) or month (YYYY-MM) to anchor")

    def handle(self, *args, kind, period=None, **options):
        try:
            # A month (YYYY-MM) is its first day.
            when = dt.date.fromisoformat(f"{period}-01" if len(period) == 7 else period) if period else None
        except ValueError as exc:
            raise CommandError(f"日期格式应为 YYYY-MM-DD 或 YYYY-MM：{period}") from exc
        anchor = anchor_daily(when) if kind == AnchorKind.DAILY else anchor_month_end(when)
        if anchor is None:
            self.stdout.write("该日期已有锚点，未重复写入。")
            return
        self.stdout.write(self.style.SUCCESS(
            f"已写入{anchor.get_kind_display()}锚点 #{anchor.pk}（{anchor.period}）：{anchor.case_count} 个交办事项，"
            f"{anchor.event_count} 条办理记录，本次变化链头 {anchor.head_count} 个。"
        ))
