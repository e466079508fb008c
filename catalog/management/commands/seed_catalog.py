from django.core.management.base import BaseCommand, CommandError

from catalog.demo import seed_demo_catalog


class Command(BaseCommand):
    help = (
        "Fill the catalog with demo products (with generated pictures) across every active "
        "category. Safe to run again: products already present are left as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--count", type=int, default=48, help="How many demo products (default 48)."
        )

    def handle(self, *args, count, **options):
        if count < 1:
            raise CommandError("--count must be at least 1.")
        result = seed_demo_catalog(count=count)
        if not result.created and not result.existing:
            raise CommandError("There is no active category to put products in.")
        for category, created in result.per_category.items():
            self.stdout.write(f"  {category}: {created} new")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo catalog ready: {result.created} products created with "
                f"{result.images} images, {result.existing} already present."
            )
        )
