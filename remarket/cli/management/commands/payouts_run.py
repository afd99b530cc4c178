import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from remarket.core.errors import DomainError
from remarket.core.money import fmt
from remarket.ledger.periods import period_bounds, period_parse
from remarket.ledger.selectors import payouts_count
from remarket.merchants.billing import merchant_fees_charge, merchant_payouts_run


class Command(BaseCommand):
    help = (
        "Pay every merchant for a closed month (YYYY-MM, in each merchant's time zone): the month's closing "
        "balance when positive, carried over otherwise. Merchants already paid for the month are skipped, so "
        "running it again pays nobody twice. The worker does this by itself after each month ends."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="the month to settle, YYYY-MM")
        parser.add_argument(
            "--with-fees", action="store_true", help="charge the month's subscription fees first (if not charged yet)"
        )

    def handle(self, *args, period, with_fees, **options):
        try:
            month = period_parse(period)
            if with_fees:
                start, _ = period_bounds(month, dt.UTC)
                self.stdout.write(f"{merchant_fees_charge(now=start + dt.timedelta(days=1))} subscription fees charged")
            with tqdm(desc=f"payouts {month:%Y-%m}", unit="merchant", disable=options["verbosity"] == 0) as bar:
                made = merchant_payouts_run(period=month, progress=bar.update)
        except DomainError as err:
            raise CommandError(f"{err.code}: {err.message}") from None
        paid = [p for p in made if p.amount_minor]
        total: dict[str, int] = {}
        for p in paid:
            total[p.currency] = total.get(p.currency, 0) + p.amount_minor
        already = payouts_count(period=month) - len(made)
        amounts = ", ".join(fmt(v, c) for c, v in sorted(total.items())) or "nothing"
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(paid)} merchants paid for {month:%Y-%m} ({amounts}); "
                f"{len(made) - len(paid)} carried over; {already} already settled"
            )
        )
