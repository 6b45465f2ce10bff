import time

from django.core.management.base import BaseCommand

from screening.index import rebuild


class Command(BaseCommand):
    help = "Rebuild the screening index from every name in the registry."

    def handle(self, *args, **options):
        started = time.monotonic()
        count = rebuild(progress=lambda done: self.stderr.write(f"\r… {done:,} names", ending=""))
        self.stderr.write("")
        self.stdout.write(self.style.SUCCESS(f"Indexed {count:,} names in {time.monotonic() - started:.1f}s."))
