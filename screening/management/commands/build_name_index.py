import time

from django.core.management.base import BaseCommand

from screening.index import rebuild


class Command(BaseCommand):
    help = "Rebuild the screening index from every name in the registry."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=None,
                            help="Name analyser processes (PostgreSQL; default: one per CPU for a large registry, "
                            "none for a small one, where forking costs more than it saves).")

    def handle(self, *args, **options):
        started = time.monotonic()
        count = rebuild(progress=lambda done: self.stderr.write(f"\r… {done:,} names", ending=""),
                        workers=options["workers"])
        self.stderr.write("")
        self.stdout.write(self.style.SUCCESS(f"Indexed {count:,} names in {time.monotonic() - started:.1f}s."))
