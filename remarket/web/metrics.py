"""/metrics in Prometheus's text format: the outbox's depth and age, for the operator's monitoring (counts only,
like /readyz; keep it behind the proxy's allow-list in production)."""

from django.http import HttpResponse

from remarket.events.selectors import outbox_stats
from remarket.webhooks.selectors import webhook_stats


def metrics(request):
    outbox = outbox_stats()
    hooks = webhook_stats()
    lines = [
        "# HELP remarket_outbox_pending Outbox events not yet delivered (due or waiting for a retry).",
        "# TYPE remarket_outbox_pending gauge",
        f"remarket_outbox_pending {outbox.pending}",
        "# HELP remarket_outbox_due Outbox events due now.",
        "# TYPE remarket_outbox_due gauge",
        f"remarket_outbox_due {outbox.due}",
        "# HELP remarket_outbox_oldest_pending_age_seconds Age of the oldest undelivered outbox event.",
        "# TYPE remarket_outbox_oldest_pending_age_seconds gauge",
        f"remarket_outbox_oldest_pending_age_seconds {outbox.oldest_pending_age_seconds:.3f}",
        "# HELP remarket_outbox_failed Outbox events in the failed events, waiting for a replay.",
        "# TYPE remarket_outbox_failed gauge",
        f"remarket_outbox_failed {outbox.failed}",
        "# HELP remarket_webhook_deliveries Webhook deliveries by state.",
        "# TYPE remarket_webhook_deliveries gauge",
        *(f'remarket_webhook_deliveries{{state="{state}"}} {n}' for state, n in sorted(hooks.items())),
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; version=0.0.4")
