from django.core.management.base import BaseCommand, CommandError

from remarket.core.deploy import deployment_check


class Command(BaseCommand):
    help = (
        "Verify a deployment: databases reachable and migrated, Redis and the broker reachable when configured, "
        "no sandbox gateway or default secret in production. Exits non-zero on any failure."
    )
    requires_system_checks = []  # it reports the profile's checks itself, among the others

    def handle(self, *args, **options):
        failed = []
        for check in deployment_check():
            mark = "ok  " if check.ok else "FAIL"
            self.stdout.write(f"{mark} {check.name}: {check.detail}" + (f" ({check.code})" if check.code else ""))
            if not check.ok:
                failed.append(check.code)
        if failed:
            raise CommandError(f"{len(failed)} checks failed: {', '.join(sorted(set(failed)))}")
        self.stdout.write("the deployment is ready")
