"""CSV export of orders (docs/api.md, "Staff", "Orders").

Used by the staff API and reusable by the Django admin: `orders_csv_response` takes any
`Order` queryset. Rows are produced while the response is sent, a chunk of orders at a
time with the items of the whole chunk read in one query, so memory stays flat however
many orders are exported.

The items are read as plain tuples rather than with `prefetch_related`: prefetched items
and their order point at each other, and such reference cycles outlive their chunk until
the garbage collector's rare full pass, so memory would grow with the number of orders.
"""

import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from itertools import islice

from django.db.models import QuerySet
from django.http import StreamingHttpResponse

from orders.models import Order, OrderItem

HEADER = (
    "Order ID",
    "Order Date",
    "Customer Name",
    "Phone",
    "WhatsApp",
    "Email",
    "Address",
    "City",
    "Country",
    "Items",
    "Total Amount",
    "Payment Method",
    "Payment Status",
    "Order Status",
    "Delivery Status",
    "Estimated Delivery",
    "Tracking Notes",
    "Notes",
)

# Excel reads a CSV as UTF-8 (and so shows Urdu names correctly) only when it starts with one.
BYTE_ORDER_MARK = "\ufeff"

# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# Orders read per chunk; the items of a chunk take one more query.
CHUNK_SIZE = 500
# Characters of CSV collected before they are handed to the response.
FLUSH_AT = 32 * 1024


def neutralise_formula(value: str) -> str:
    """Prefix a cell that a spreadsheet would evaluate with `'` so it shows as text."""
    return f"'{value}" if value.startswith(FORMULA_TRIGGERS) else value


def items_cells(orders: list[Order]) -> dict:
    """`{order pk: "Name (size/color) xqty; ..."}` for `orders`, in one query."""
    lines = defaultdict(list)
    rows = (
        OrderItem.objects.filter(order__in=orders)
        .order_by("order_id", "id")
        .values_list("order_id", "name", "size", "color", "quantity")
    )
    for order_pk, name, size, color, quantity in rows:
        lines[order_pk].append(f"{name} ({size}/{color}) x{quantity}")
    return {order_pk: "; ".join(parts) for order_pk, parts in lines.items()}


def order_row(order: Order, items: str) -> list[str]:
    """One CSV row: `order`'s fields and its `items` cell, each safe from formula injection."""
    cells = (
        order.order_id,
        order.order_date.isoformat(),
        order.customer_name,
        order.phone,
        order.whatsapp,
        order.email,
        order.address,
        order.city,
        order.country,
        items,
        f"{order.total_amount:.2f}",
        order.payment_method,
        order.payment_status,
        order.order_status,
        order.delivery_status,
        order.estimated_delivery.isoformat() if order.estimated_delivery else "",
        order.tracking_notes or "",
        order.notes,
    )
    return [neutralise_formula(cell) for cell in cells]


def csv_chunks(orders: QuerySet[Order], chunk_size: int = CHUNK_SIZE) -> Iterator[str]:
    """The CSV document for `orders`, BOM and header first, as a stream of text chunks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BYTE_ORDER_MARK)
    writer.writerow(HEADER)
    rows = orders.iterator(chunk_size=chunk_size)
    while chunk := list(islice(rows, chunk_size)):
        items = items_cells(chunk)
        for order in chunk:
            writer.writerow(order_row(order, items.get(order.pk, "")))
            if buffer.tell() >= FLUSH_AT:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        # Let go of this chunk before the next one is read, not after.
        del chunk, items
    yield buffer.getvalue()


def export_filename(start_date: date | None = None, end_date: date | None = None) -> str:
    """`orders_from_<start>_to_<end>.csv`, `orders_from_<start>.csv`, `orders_to_<end>.csv`
    or `orders.csv`, depending on which ends of the date range were asked for."""
    parts = ["orders"]
    if start_date:
        parts += ["from", start_date.isoformat()]
    if end_date:
        parts += ["to", end_date.isoformat()]
    return "_".join(parts) + ".csv"


def orders_csv_response(orders: QuerySet[Order], filename: str) -> StreamingHttpResponse:
    """A streamed `text/csv` attachment of `orders`, in the queryset's order."""
    return StreamingHttpResponse(
        csv_chunks(orders),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
