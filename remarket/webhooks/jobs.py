import datetime as dt

from remarket.events.periodic import every

from .services import deliveries_send


@every(dt.timedelta(seconds=5), "webhooks_send")
def _send() -> str:
    delivered, failed = deliveries_send()
    return f"{delivered} webhooks delivered, {failed} attempts failed"
