import time

from django.core.management.base import BaseCommand

from entities.documents import render_all


class Command(BaseCommand):
    help = (
        "Render every missing or stale entity document ahead of time, so that no API reader pays for it. "
        "Optional: the API renders a stale document on its first read anyway."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        count = render_all(progress=lambda done: self.stderr.write(f"\r… {done:,} entities", ending=""))
        self.stderr.write("")
        self.stdout.write(self.style.SUCCESS(f"Rendered {count:,} documents in {time.monotonic() - started:.1f}s."))
