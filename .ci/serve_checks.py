"""HTTP checks of the app served as the Docker image serves it (.ci/serve-check).

    serve_checks.py one-instance PORT DATABASE_URL
    serve_checks.py two-instances PORT_A PORT_B

Each check prints ok/FAIL with what it saw; the exit code is 1 if any failed.
"""

import json
import os
import socket
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import psycopg

# The platform's proxy terminates TLS: without this header the app redirects to https.
HEADERS = {"X-Forwarded-Proto": "https", "Content-Type": "application/json"}
NEON_FREE_TIER_CONNECTIONS = 10
results = []


def check(name, ok, detail):
    results.append(ok)
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}", flush=True)


class Instance:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.port = port

    def call(self, method, path, body=None, token=None, timeout=10):
        headers = dict(HEADERS)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path, data=data, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def login(self):
        status, body = self.call(
            "POST",
            "/api/admin/login",
            {"username": os.environ["ADMIN_USERNAME"], "password": os.environ["ADMIN_PASSWORD"]},
        )
        assert status == 200, body
        return body["access_token"]


def slow_client(port, seconds):
    """A client that declares a 100 kB body and sends it a byte a second."""
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(
            b"POST /api/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-Proto: https\r\n"
            b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
        )
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            conn.sendall(b" ")
            time.sleep(1)


def one_instance(app, database_url):
    status, health = app.call("GET", "/health")
    check("GET /health", status == 200 and health["database"] == "ok", health)
    status, page = app.call("GET", "/api/products?page=1&limit=12")
    check(
        "GET /api/products",
        status == 200 and len(page["items"]) == 12,
        f"{status}, {page['total']} products",
    )
    product = page["items"][0]
    picture = urllib.request.Request(
        app.base + urllib.parse.urlsplit(product["images"][0]).path,
        headers={"X-Forwarded-Proto": "https"},
    )
    with urllib.request.urlopen(picture, timeout=10) as response:
        check(
            "a product picture from local media, DEBUG off",
            response.status == 200 and response.headers["Content-Type"] == "image/jpeg",
            f"{response.status}, {response.headers['Content-Type']}, {len(response.read())} bytes",
        )
    order = {
        "customer_name": "Serve Check",
        "phone": "0300-1234567",
        "whatsapp": "0300-1234567",
        "address": "House 1, Street 2, Clifton",
        "city": "Karachi",
        "payment_method": "Easypaisa",
        "items": [
            {
                "product_id": product["id"],
                "size": product["sizes"][0],
                "color": product["colors"][0],
                "quantity": 2,
            }
        ],
    }
    status, placed = app.call("POST", "/api/orders", order)
    check(
        "POST /api/orders",
        status == 201 and placed["total_amount"] == 2 * product["effective_price"],
        f"{status}, {placed.get('order_id')}, total {placed.get('total_amount')}"
        if status == 201
        else f"{status}, {placed}",
    )
    if status == 201:
        status, tracked = app.call(
            "GET", f"/api/orders/track?order_id={placed['order_id']}&phone=03001234567"
        )
        check("GET /api/orders/track", status == 200, f"{status}, {tracked.get('order_status')}")

    # Twenty clients sending their bodies a byte a second hold no worker: the health
    # check and a catalog page still answer (each within a 5 s client timeout).
    for _ in range(20):
        threading.Thread(target=slow_client, args=(app.port, 15), daemon=True).start()
    time.sleep(2)
    started = time.monotonic()
    answers = [app.call("GET", path, timeout=5)[0] for path in ("/health", "/api/categories")]
    check(
        "20 slow clients block nothing",
        answers == [200, 200],
        f"{answers} in {time.monotonic() - started:.2f} s",
    )

    # A hundred requests at once: the server holds at most the free tier's connections.
    peak = 0
    done = threading.Event()

    def watch():
        nonlocal peak
        name = urllib.parse.urlsplit(database_url).path.lstrip("/")
        with psycopg.connect(database_url, autocommit=True) as conn:
            while not done.is_set():
                (count,) = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                    [name],
                ).fetchone()
                peak = max(peak, count)
                time.sleep(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    paths = [f"/api/products?page={n % 3 + 1}&limit={n % 50 + 1}" for n in range(100)]
    with ThreadPoolExecutor(100) as pool:
        statuses = list(pool.map(lambda path: app.call("GET", path, timeout=30)[0], paths))
    done.set()
    watcher.join()
    check(
        f"100 concurrent requests, at most {NEON_FREE_TIER_CONNECTIONS} database connections",
        statuses == [200] * 100 and peak <= NEON_FREE_TIER_CONNECTIONS,
        f"{statuses.count(200)} answered 200, peak {peak} connections",
    )

    # Two workers, one lockout: the 6th wrong password is refused whichever worker answers.
    answers = [
        app.call("POST", "/api/admin/login", {"username": "owner", "password": "wrong"})[0]
        for _ in range(6)
    ]
    check("login lockout shared by both workers", answers == [401] * 5 + [429], answers)


def two_instances(first, second):
    token = first.login()
    product = second.call("GET", "/api/products?page=1&limit=1")[1]["items"][0]
    second.call("GET", f"/api/products/{product['id']}")  # now kept by the second instance
    renamed = f"{product['name'][:200]} (renamed {int(time.time())})"
    status, _ = first.call(
        "PATCH", f"/api/admin/products/{product['id']}", {"name": renamed}, token
    )
    _, seen = second.call("GET", f"/api/products/{product['id']}")
    check(
        "a staff change on one instance shows on the other's next read",
        status == 200 and seen["name"] == renamed,
        f"PATCH {status}; the other instance reads {seen['name']!r}",
    )


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    if mode == "one-instance":
        one_instance(Instance(int(args[0])), args[1])
    else:
        two_instances(Instance(int(args[0])), Instance(int(args[1])))
    sys.exit(0 if all(results) else 1)
