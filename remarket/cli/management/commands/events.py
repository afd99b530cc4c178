from django.core.management.base import BaseCommand, CommandError

from remarket.core.errors import DomainError
from remarket.events.outbox import event_replay
from remarket.events.selectors import events_failed, outbox_stats
from remarket.events.topics import topic_label


class Command(BaseCommand):
    help = "The outbox's failed events: `events failed` lists them, `events replay ID` makes one due again."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("failed", help="list the failed events, the latest first, and the queue's depth")
        replay = sub.add_parser("replay", help="give a failed event a fresh set of attempts, due now")
        replay.add_argument("event_id", type=int)

    def handle(self, *args, action, event_id=None, **options):
        if action == "replay":
            try:
                event = event_replay(event_id=event_id)
            except DomainError as err:
                raise CommandError(f"{err.message} ({err.code})") from err
            self.stdout.write(f"event {event.pk} ({topic_label(event.topic)}) is due again")
            return
        stats = outbox_stats()
        self.stdout.write(
            f"{stats.failed} failed; {stats.pending} waiting ({stats.due} due), "
            f"oldest {stats.oldest_pending_age_seconds:.0f} s"
        )
        for event in events_failed():
            error = event.last_error.splitlines()[0][:120] if event.last_error else ""
            self.stdout.write(
                f"{event.pk}\t{event.topic}\t{topic_label(event.topic)}\t{event.failed_at:%Y-%m-%d %H:%M:%S}\t"
                f"{event.attempts} attempts\t{error}"
            )
