"""manage.py verify_ledger: recompute every case's event chain and check it against the anchors."""
from django.core.management.base import BaseCommand, CommandError

from cases.ledger import record_check, verify


class Command(BaseCommand):
    help = ("Recompute every case's keyed event chain, check each case against its last event and the chains "
            "against the latest anchors; exit non-zero and name each tampering found.")

    def add_arguments(self, parser):
        parser.add_argument("--case", type=int, action="append", help="check only this case id (repeatable)")

    def handle(self, *args, case=None, **options):
        report = verify(case)
        if not case:  # only a full run is the ledger's outcome on the audit page
            record_check(report)
        for finding in report.findings:
            self.stderr.write(finding.message)
        if report.findings:
            raise CommandError(f"台账校验发现 {len(report.findings)} 处问题。")
        self.stdout.write(self.style.SUCCESS(
            f"校验通过：{report.cases} 个交办事项的办理记录完整"
            + (f"，与锚点 #{report.anchor_id} 一致。" if report.anchor_id else "（尚无锚点）。")
        ))
