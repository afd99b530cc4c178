"""The operator's failed events: what the worker gave up on after OUTBOX_MAX_ATTEMPTS, and a replay button
(events/outbox.py `event_replay` decides what may be replayed)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from remarket.core.errors import DomainError
from remarket.events.outbox import event_replay
from remarket.events.selectors import events_failed, outbox_stats
from remarket.events.topics import topic_label
from remarket.web.common import render_error, requires


def _context() -> dict:
    rows = [{"event": e, "label": topic_label(e.topic)} for e in events_failed()]
    return {"rows": rows, "stats": outbox_stats()}


@requires("events.manage")
def failed(request):
    return render(request, "ops/events.html", _context())


@require_POST
@requires("events.manage")
def replay(request, event_id: int):
    try:
        event = event_replay(event_id=event_id)
    except DomainError as err:
        return render_error(request, err, "ops/events.html", _context())
    messages.success(request, _("Event %(id)s is due again: the worker delivers it now.") % {"id": event.pk})
    return redirect("ops-events")
