"""manage.py rollup: roll up a month, backfill a range or complete missed months."""
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from registry.periods import parse_month
from registry.models import User

from ...models import RunTrigger
from ...services import missing_months, rollup_catch_up, rollup_range


class Command(BaseCommand):
    help = "Roll up a month (--month YYYY-MM), backfill a range (--from/--to), or complete missed months (--catch-up)."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM")
        parser.add_argument("--from", dest="first", help="YYYY-MM, first month of a backfill")
        parser.add_argument("--to", dest="last", help="YYYY-MM, last month of a backfill")
        parser.add_argument("--catch-up", action="store_true", help="roll up every month left incomplete")
        parser.add_argument("--force", action="store_true", help="recompute months the province has locked")
        parser.add_argument("--user", help="username of the clerk forcing a locked month (required with --force)")
        parser.add_argument("--reason", default="", help="why a locked month is recomputed (required with --force)")

    def handle(self, *args, **options):
        try:
            if options["catch_up"]:
                self.stdout.write(f"missing: {[m.strftime('%Y-%m') for m in missing_months()]}")
                runs = rollup_catch_up()
            else:
                first = options["month"] or options["first"]
                last = options["month"] or options["last"] or first
                if not first:
                    raise CommandError("give --month YYYY-MM, --from YYYY-MM --to YYYY-MM, or --catch-up")
                by = None
                if options["force"]:
                    by = User.objects.filter(username=options["user"] or "").first()
                runs = rollup_range(
                    first=parse_month(first), last=parse_month(last), trigger=RunTrigger.COMMAND,
                    by=by, force=options["force"], reason=options["reason"],
                )
        except ValueError as exc:
            raise CommandError(f"月份格式应为 YYYY-MM：{exc}")
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages))
        for run in runs:
            self.stdout.write(f"{run.month:%Y-%m} {run.get_status_display()} {run.row_count} 行 {run.message}".rstrip())
