from django.core.management.base import BaseCommand, CommandError

from cases.ledger import tampered_cases
from cases.models import CaseEvent


class Command(BaseCommand):
    help = "Recompute every case's event hash chain; exit non-zero when any case was tampered with."

    def add_arguments(self, parser):
        parser.add_argument("--case", type=int, action="append", help="check only this case id (repeatable)")

    def handle(self, *args, case=None, **options):
        events = CaseEvent.objects.all()
        if case:
            events = events.filter(case_id__in=case)
        problems = tampered_cases(events)
        for case_id, seq, problem in problems:
            self.stderr.write(f"交办事项 {case_id}：第 {seq} 条办理记录{problem}")
        if problems:
            raise CommandError(f"{len(problems)} 个交办事项的办理记录校验失败。")
        self.stdout.write(self.style.SUCCESS(f"校验通过：{events.values('case_id').distinct().count()} 个交办事项的办理记录完整。"))
