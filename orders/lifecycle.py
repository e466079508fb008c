"""The order lifecycle: which status changes an order may take. The one home of these
rules: `orders.services` judges every status change by them (the staff API, the Django
admin's order form and list actions, imports and demo data), the admin form offers
only what they allow, and `docs/api.md` describes them.

- Order: Received -> Processing -> Ready -> Delivered (forward, a step may be skipped);
  Received, Processing or Ready -> Cancelled. Delivered and Cancelled are final: only a
  superuser, with a note, reopens such an order (to any status that is not final).
- Payment: Pending -> Paid -> Verified, or Pending -> Verified; one step back to correct
  a mis-click (Verified -> Paid, Paid -> Pending) while the order is not Delivered.
- Delivery: Not Started -> In Progress -> Out for Delivery -> Delivered (forward, or one
  step back for a correction), and it moves only while the order is Processing or
  Ready. Delivery Delivered and order Delivered go together: a change that sets one
  sets the other (unless it sets the other to something else, which is refused), so an
  order reaches Delivered from Processing or Ready.
- The shop takes prepayment: an order is not Processing or further while its payment is
  Pending, nor Delivered before its payment is Verified. A Cancelled order whose payment
  is Verified is a refund due (`refund_due`: the admin says so).

A change is judged as a whole, on the statuses it leads to: the storefront's staff page
sends all three at once (payment Verified, order Processing, delivery Not Started for a
new order is one valid change). An order whose stored statuses already break a rule
(rows from before these rules) is left as it is, and may only move into valid states.
"""

from collections.abc import Mapping

from orders.models import DeliveryStatus, OrderStatus, PaymentStatus, StatusField

PAYMENT, ORDER, DELIVERY = StatusField.PAYMENT, StatusField.ORDER, StatusField.DELIVERY
FIELDS = (PAYMENT, ORDER, DELIVERY)
LABELS = {PAYMENT: "Payment status", ORDER: "Order status", DELIVERY: "Delivery status"}
VALUES = {PAYMENT: PaymentStatus.values, ORDER: OrderStatus.values, DELIVERY: DeliveryStatus.values}

ORDER_FLOW = [
    OrderStatus.RECEIVED,
    OrderStatus.PROCESSING,
    OrderStatus.READY,
    OrderStatus.DELIVERED,
]
PAYMENT_FLOW = [PaymentStatus.PENDING, PaymentStatus.PAID, PaymentStatus.VERIFIED]
DELIVERY_FLOW = [
    DeliveryStatus.NOT_STARTED,
    DeliveryStatus.IN_PROGRESS,
    DeliveryStatus.OUT_FOR_DELIVERY,
    DeliveryStatus.DELIVERED,
]
DELIVERED = OrderStatus.DELIVERED
"""The value the order and the delivery reach together (the same spelling in both)."""
assert DELIVERED == DeliveryStatus.DELIVERED
FINAL = {OrderStatus.DELIVERED, OrderStatus.CANCELLED}
UNDER_WAY = {OrderStatus.PROCESSING, OrderStatus.READY, OrderStatus.DELIVERED}
"""Order statuses that need the payment in (not Pending)."""
DELIVERY_MOVES_WHILE = {OrderStatus.PROCESSING, OrderStatus.READY}


def refund_due(order) -> bool:
    """A cancelled order whose payment was verified: the shop owes the customer."""
    return (
        order.order_status == OrderStatus.CANCELLED
        and order.payment_status == PaymentStatus.VERIFIED
    )


def _step(flow: list[str], current: str, target: str, *, back: bool) -> bool:
    """Whether `target` is ahead of `current` on `flow`, or (with `back`) one step behind."""
    if current not in flow or target not in flow:
        return False
    distance = flow.index(target) - flow.index(current)
    return distance > 0 or (back and distance == -1)


def _transition_problem(field: str, before: Mapping, after: Mapping, *, may_reopen: bool):
    """Why `field` may not go from `before[field]` to `after[field]`, or None."""
    current, target = before[field], after[field]
    if field == ORDER:
        if current in FINAL:
            if target in FINAL or not may_reopen:
                return f"{current} is final: only a superuser, with a note, reopens an order"
            return None
        if target == OrderStatus.CANCELLED or _step(ORDER_FLOW, current, target, back=False):
            return None
        return "an order moves forward only (or is cancelled)"
    if field == PAYMENT:
        back = before[ORDER] != OrderStatus.DELIVERED
        if _step(PAYMENT_FLOW, current, target, back=back):
            return None
        return "a payment moves forward, or one step back while the order is not Delivered"
    reopened = before[ORDER] in FINAL and after[ORDER] not in FINAL and may_reopen
    if reopened and target != DeliveryStatus.DELIVERED:
        return None
    if _step(DELIVERY_FLOW, current, target, back=current != DeliveryStatus.DELIVERED):
        return None
    return "a delivery moves forward, or one step back for a correction"


def _state_problems(before: Mapping, after: Mapping) -> dict[str, str]:
    """The rules the statuses `after` break, each blamed on a field that changed."""
    changed = {field for field in FIELDS if before[field] != after[field]}
    problems = {}

    def blame(fields, reason):
        for field in fields:
            if field in changed:
                problems.setdefault(field, reason)
                return

    if after[ORDER] in UNDER_WAY and after[PAYMENT] == PaymentStatus.PENDING:
        blame((ORDER, PAYMENT), f"an order is {after[ORDER]} only once its payment is in")
    if after[ORDER] == OrderStatus.DELIVERED and after[PAYMENT] != PaymentStatus.VERIFIED:
        blame((ORDER, DELIVERY, PAYMENT), "an order is Delivered only once its payment is Verified")
    under_way = after[ORDER] in DELIVERY_MOVES_WHILE or (
        after[ORDER] == DELIVERED and before[ORDER] in DELIVERY_MOVES_WHILE
    )
    if DELIVERY in changed and not under_way:
        blame((DELIVERY,), "the delivery moves only while the order is Processing or Ready")
    if (after[ORDER] == OrderStatus.DELIVERED) != (after[DELIVERY] == DeliveryStatus.DELIVERED):
        blame((ORDER, DELIVERY), "order Delivered and delivery Delivered go together")
    return problems


def _coupled(before: Mapping, changes: Mapping) -> dict:
    """`changes` with its partner added: setting the order or the delivery Delivered sets
    the other (unless the change says otherwise)."""
    changes = dict(changes)
    for field, partner in ((ORDER, DELIVERY), (DELIVERY, ORDER)):
        if (
            changes.get(field) == DELIVERED
            and partner not in changes
            and before[partner] != DELIVERED
        ):
            changes[partner] = DELIVERED
    return changes


def _problems(before: Mapping, changes: Mapping, *, may_reopen: bool) -> dict[str, str]:
    after = {**before, **changes}
    problems = {
        field: reason
        for field in FIELDS
        if before[field] != after[field]
        and (reason := _transition_problem(field, before, after, may_reopen=may_reopen))
    }
    for field, reason in _state_problems(before, after).items():
        problems.setdefault(field, reason)
    return problems


def _allowed_values(before: Mapping, changes: Mapping, field: str, *, may_reopen=False) -> list:
    """The values `field` may take from `before` while the rest of `changes` holds (its
    current value not included)."""
    others = {name: value for name, value in changes.items() if name != field}
    # What the other changes break by themselves is theirs to fix, not this value's.
    theirs = set(_problems(before, _coupled(before, others), may_reopen=may_reopen)) - {field}
    allowed = []
    for value in VALUES[field]:
        if value == before[field]:
            continue
        tried = _coupled(before, {**others, field: value})
        if set(_problems(before, tried, may_reopen=may_reopen)) <= theirs:
            allowed.append(value)
    return allowed


def reachable_values(before: Mapping, field: str, *, may_reopen=False) -> list:
    """The values `field` may take from `before` in some valid change (the others
    changing with it or not), its current value first: what a form offers."""
    first, second = (other for other in FIELDS if other != field)
    reachable = [before[field]]
    for value in VALUES[field]:
        if value != before[field] and any(
            not _problems(
                before,
                _coupled(before, {first: one, second: two, field: value}),
                may_reopen=may_reopen,
            )
            for one in VALUES[first]
            for two in VALUES[second]
        ):
            reachable.append(value)
    return reachable


def judge(before: Mapping, changes: Mapping, *, may_reopen: bool = False) -> dict:
    """The status changes to apply when an order with statuses `before` (payment, order
    and delivery status by field name) is asked for `changes` (any of them): `changes`
    plus the Delivered partner it implies, without the ones that change nothing.

    `may_reopen`: the change comes from a superuser with a note. Raises `Refused`
    naming each refused field with its current value, why, and what it may become.
    """
    requested = {field: value for field, value in changes.items() if before[field] != value}
    if not requested:
        return {}
    changes = _coupled(before, requested)
    problems = _problems(before, changes, may_reopen=may_reopen)
    if problems:
        raise Refused(
            {
                field: _message(field, before, requested, changes[field], reason, may_reopen)
                for field, reason in problems.items()
            }
        )
    return changes


def _message(field, before, requested, target, reason, may_reopen) -> str:
    allowed = _allowed_values(before, requested, field, may_reopen=may_reopen)
    return (
        f"{LABELS[field]} cannot go from {before[field]} to {target}: {reason}. "
        f"From {before[field]} it may become: {', '.join(allowed) or 'nothing'}."
    )


class Refused(Exception):
    """A status change the lifecycle does not allow: `problems` by field name."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems
