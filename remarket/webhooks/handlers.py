"""Every subscribable topic makes its deliveries through the outbox: once per event (its handler record)."""

from remarket.events.models import OutboxEvent
from remarket.events.outbox import handles

from .topics import SUBSCRIBABLE


def _for(topic: str):
    def webhooks_for_event(payload: dict, event: OutboxEvent) -> None:
        from .services import deliveries_create

        deliveries_create(event_id=event.pk, topic=topic, payload=payload)

    webhooks_for_event.__qualname__ = f"webhooks_for_event.{topic}"
    return webhooks_for_event


for _topic in SUBSCRIBABLE:
    handles(_topic, with_event=True)(_for(_topic))
