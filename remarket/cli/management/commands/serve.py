import os
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve remarket with gunicorn (sync workers) on 127.0.0.1:$PORT, supervising one background worker."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=f"127.0.0.1:{os.environ.get('PORT', '8000')}")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3")))
        parser.add_argument("--no-worker", action="store_true", help="do not start the background worker")

    def handle(self, *args, bind, workers, no_worker, **options):
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
        os.environ["REMARKET_SUPERVISE_WORKER"] = "0" if no_worker else "1"
        config = os.path.join(os.path.dirname(__file__), "..", "..", "gunicorn_conf.py")
        self.stdout.write(f"remarket serving on http://{bind} (Ctrl-C to stop)")
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "remarket.wsgi:application",
            "--config",
            os.path.abspath(config),
            "--bind",
            bind,
            "--workers",
            str(workers),
        ]
        os.execv(sys.executable, argv)
