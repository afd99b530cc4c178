from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from remarket.core.errors import DomainError
from remarket.core.money import fmt
from remarket.ledger.periods import period_parse
from remarket.orders.partner_payouts import partner_payouts_run


class Command(BaseCommand):
    help = (
        "Pay every retail partner its commissions for a closed month (YYYY-MM, in each partner's market's time "
        "zone): the month's closing balance when positive, carried over otherwise. Partners already paid for the "
        "month are skipped, so running it again pays nobody twice. The worker does this by itself after each "
        "month ends."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="the month to settle, YYYY-MM")

    def handle(self, *args, period, **options):
        try:
            month = period_parse(period)
            with tqdm(desc=f"partner payouts {month:%Y-%m}", unit="partner", disable=options["verbosity"] == 0) as bar:
                made = partner_payouts_run(period=month, progress=bar.update)
        except DomainError as err:
            raise CommandError(f"{err.code}: {err.message}") from None
        paid = [p for p in made if p.amount_minor]
        total: dict[str, int] = {}
        for p in paid:
            total[p.currency] = total.get(p.currency, 0) + p.amount_minor
        amounts = ", ".join(fmt(v, c) for c, v in sorted(total.items())) or "nothing"
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(paid)} partners paid for {month:%Y-%m} ({amounts}); {len(made) - len(paid)} carried over"
            )
        )
