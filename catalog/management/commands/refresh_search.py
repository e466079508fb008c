from django.core.management.base import BaseCommand

from catalog.search import refresh_search_text


class Command(BaseCommand):
    help = (
        "Write every product's search text again and add every catalog word to the search "
        "vocabulary: after products were written around the models (bulk inserts, SQL)."
    )

    def handle(self, *args, **options):
        written = refresh_search_text()
        self.stdout.write(self.style.SUCCESS(f"Search text refreshed for {written} products."))
