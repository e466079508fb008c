"""`make bench`: the storefront's reads and writes under load, as production serves them.

Serves the production configuration (`docker/serve.sh`: DEBUG off, the image's HTTP
server and worker count) on PostgreSQL with 1,000 products and 10,000 orders, drives
each endpoint with wrk (100 connections), and prints requests per second, p50/p99,
errors and timeouts, and each figure as a ratio to the same run's floor (`/health`).

With `--before REF` it also serves the project at git ref REF (another checkout, with
its own requirements and a database of its own, migrated and seeded by its own code:
BENCH_DATABASE_URL + "_" + the ref's commit) and runs each endpoint against both,
interleaved, so the before/after ratio comes from one run on this noisy machine.

Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/
beautique_bench; created and seeded when missing) and wrk (installed with apt-get when
missing). Timing lives here, never in the test suite.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from functools import partial
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/beautique_bench"
PRODUCTS = 1000
ORDERS = 10_000
# One key for every server of a run, so a staff token from one is valid on the other.
BENCH_SECRET_KEY = secrets.token_urlsafe(50)
STAFF_USERNAME = "bench-owner"
STAFF_PASSWORD = "Bench-owner-" + "2026-pass"

POST_ORDER_LUA = """
-- Each request comes from its own client address (the app trusts one proxy here),
-- so the per-client order throttle does not cap the benchmark.
counter = 0
request = function()
  counter = counter + 1
  local address = "10." .. (counter % 250) .. "." .. (math.floor(counter / 250) % 250) .. ".7"
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["X-Forwarded-For"] = address,
  }, BODY)
end
"""

SPREAD_CLIENTS_LUA = """
counter = 0
request = function()
  counter = counter + 1
  local address = "10." .. (counter % 250) .. "." .. (math.floor(counter / 250) % 250) .. ".9"
  return wrk.format(nil, nil, {["X-Forwarded-For"] = address})
end
"""


def environment(database_url: str, port: int, workdir: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "REDIS_URL", "CLOUDINARY_URL", "DATABASE_URL", "CACHE_DIR"}
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=BENCH_SECRET_KEY,
        DATABASE_URL=database_url,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        NUM_PROXIES="1",
        PORT=str(port),
        WEB_CONCURRENCY=os.environ.get("WEB_CONCURRENCY", "2"),
        MEDIA_ROOT=str(workdir / "media"),
        LOG_LEVEL="WARNING",
        HOST="127.0.0.1",
        PATH=f"{Path(PYTHON).parent}:{os.environ.get('PATH', '')}",
    )
    if os.environ.get("BENCH_REDIS_URL"):
        env["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
    return env


def manage(env: dict, *args: str, cwd: Path = ROOT, python: str = PYTHON) -> str:
    result = subprocess.run(
        [python, "manage.py", *args], cwd=cwd, env=env, capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    print("== installing wrk (apt-get)", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "wrk"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        stdout=subprocess.DEVNULL,
    )


def ensure_database(database_url: str) -> None:
    import psycopg

    url = urlsplit(database_url)
    name = url.path.lstrip("/")
    with psycopg.connect(url._replace(path="/postgres").geturl(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def seed(env: dict, cwd: Path = ROOT, python: str = PYTHON) -> None:
    """Migrate and seed the database of `env` with the code of checkout `cwd`."""
    run = partial(manage, cwd=cwd, python=python)
    run(env, "migrate", "--noinput")
    counts = run(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from catalog.models import Product; from orders.models import Order; "
        "print(Product.objects.count(), Order.objects.count())",
    ).split()
    products, orders = (int(count) for count in counts)
    if products < PRODUCTS:
        print(f"== seeding {PRODUCTS} products", flush=True)
        run(env, "seed_catalog", "--count", str(PRODUCTS))
    if orders < ORDERS:
        print(f"== seeding {ORDERS - orders} orders", flush=True)
        run(env, "seed_demo_orders", "--count", str(ORDERS - orders), "--days", "60")
    run(
        {
            **env,
            "ADMIN_USERNAME": STAFF_USERNAME,
            "ADMIN_EMAIL": "bench@beautique.local",
            "ADMIN_PASSWORD": STAFF_PASSWORD,
        },
        "seed_admin",
    )


def git_sha(ref: str) -> str:
    return subprocess.run(
        ["git", "rev-parse", ref], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def virtualenv_for(checkout: Path, workdir: Path) -> Path:
    """A virtualenv with `checkout`'s own requirements; returns its bin folder."""
    venv = workdir / f"venv-{checkout.name}"
    print(f"== installing the requirements of {checkout.name}", flush=True)
    subprocess.run([PYTHON, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [
            venv / "bin" / "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            "-r",
            "requirements.txt",
        ],
        cwd=checkout,
        check=True,
    )
    return venv / "bin"


def memory_folder(workdir: Path, name: str) -> Path:
    """A fresh folder for a server's file cache where the production default puts it:
    in memory (/dev/shm) when the machine has it, else in `workdir`."""
    memory = Path("/dev/shm")
    if memory.is_dir() and os.access(memory, os.W_OK):
        return Path(tempfile.mkdtemp(prefix=f"{workdir.name}-{name}-", dir=memory))
    return workdir / name


class Server:
    """One copy of the project served by its production command on `port`."""

    def __init__(self, name: str, checkout: Path, env: dict, port: int, logdir: Path):
        self.name, self.checkout, self.env, self.port = name, checkout, env, port
        self.base = f"http://127.0.0.1:{port}"
        self.log = open(logdir / f"server-{name}.log", "w")  # noqa: SIM115
        serve = checkout / "docker" / "serve.sh"
        if serve.exists():
            command = ["sh", str(serve)]
        else:  # refs older than docker/serve.sh: the image's gunicorn command
            command = [
                "gunicorn",
                "beautique.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                env["WEB_CONCURRENCY"],
                "--access-logfile",
                "-",
            ]
        self.process = subprocess.Popen(
            command,
            cwd=checkout,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_until_up()

    def wait_until_up(self) -> None:
        for _ in range(120):
            if self.process.poll() is not None:
                sys.exit(f"{self.name} server exited; see {self.log.name}")
            try:
                urllib.request.urlopen(self.base + "/health", timeout=2).read()
                return
            except OSError:
                time.sleep(0.5)
        sys.exit(f"{self.name} server did not answer /health")

    def call(self, method: str, path: str, body=None, token: str | None = None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(
            self.base + path,
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers=headers,
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


def endpoints(server: Server) -> list[dict]:
    """What the storefront and the staff pages ask, with real ids from the seeded data."""
    token = server.call(
        "POST", "/api/admin/login", {"username": STAFF_USERNAME, "password": STAFF_PASSWORD}
    )["access_token"]
    category = server.call("GET", "/api/categories")["categories"][0]["slug"]
    product = server.call("GET", "/api/products?page=1&limit=1")["items"][0]
    order = server.call("GET", "/api/admin/orders?page=1&limit=1", token=token)["items"][0]
    order_body = {
        "customer_name": "Bench Customer",
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
                "quantity": 1,
            }
        ],
    }
    auth = {"Authorization": f"Bearer {token}"}
    return [
        {"name": "GET /health (floor)", "path": "/health"},
        {"name": "GET /api/products?page=1&limit=12", "path": "/api/products?page=1&limit=12"},
        {
            "name": "GET /api/products, category + price range",
            "path": f"/api/products?page=1&limit=12&category={category}"
            "&min_price=3000&max_price=15000",
        },
        {"name": "GET /api/products?search=chiffon", "path": "/api/products?search=chiffon"},
        {"name": "GET /api/products/{id}", "path": f"/api/products/{product['id']}"},
        {
            "name": "GET /api/products/bestsellers?limit=8",
            "path": "/api/products/bestsellers?limit=8",
        },
        {"name": "GET /api/categories", "path": "/api/categories"},
        {
            "name": "GET /api/orders/track",
            "path": "/api/orders/track?"
            + urlencode({"order_id": order["order_id"], "phone": order["phone"]}),
            "lua": SPREAD_CLIENTS_LUA,
        },
        {"name": "GET /api/admin/orders", "path": "/api/admin/orders", "headers": auth},
        {
            "name": "GET /api/admin/analytics/dashboard",
            "path": "/api/admin/analytics/dashboard",
            "headers": auth,
        },
        {
            "name": "POST /api/orders",
            "path": "/api/orders",
            "lua": POST_ORDER_LUA.replace("BODY", json.dumps(json.dumps(order_body))),
        },
    ]


WRK_LINE = {
    "rps": re.compile(r"Requests/sec:\s+([\d.]+)"),
    "non2xx": re.compile(r"Non-2xx or 3xx responses:\s+(\d+)"),
    "socket": re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"),
    "requests": re.compile(r"(\d+) requests in"),
}
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def percentile(output: str, label: str) -> float:
    match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    return float(match.group(1)) * UNITS[match.group(2)] if match else float("nan")


def run_wrk(server: Server, endpoint: dict, seconds: int, connections: int, workdir: Path) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    for name, value in endpoint.get("headers", {}).items():
        command += ["-H", f"{name}: {value}"]
    if "lua" in endpoint:
        script = workdir / f"{abs(hash(endpoint['name']))}.lua"
        script.write_text(endpoint["lua"])
        command += ["-s", str(script)]
    output = subprocess.run(
        [*command, server.base + endpoint["path"]], capture_output=True, text=True, check=True
    ).stdout
    socket_errors = WRK_LINE["socket"].search(output)
    non2xx = WRK_LINE["non2xx"].search(output)
    return {
        "rps": float(WRK_LINE["rps"].search(output).group(1)),
        "p50": percentile(output, "50"),
        "p99": percentile(output, "99"),
        "errors": (int(non2xx.group(1)) if non2xx else 0)
        + (sum(int(n) for n in socket_errors.groups()[:3]) if socket_errors else 0),
        "timeouts": int(socket_errors.group(4)) if socket_errors else 0,
        "requests": int(WRK_LINE["requests"].search(output).group(1)),
    }


SIGN_IN_CLIENTS = 10
SIGN_IN_READS = ("GET /health (floor)", "GET /api/products?page=1&limit=12")


def during_sign_ins(server: Server, plan: list[dict], seconds: int, workdir: Path) -> dict:
    """The floor and a catalog page while SIGN_IN_CLIENTS clients sign in over and over
    (each sign-in checks a password), and how long those sign-ins take."""
    stop = threading.Event()
    took: list[float] = []

    def sign_in() -> float:
        started = time.perf_counter()
        server.call(
            "POST", "/api/admin/login", {"username": STAFF_USERNAME, "password": STAFF_PASSWORD}
        )
        return time.perf_counter() - started

    alone = sorted(sign_in() for _ in range(21))

    def sign_in_again_and_again():
        while not stop.is_set():
            took.append(sign_in())

    clients = [threading.Thread(target=sign_in_again_and_again) for _ in range(SIGN_IN_CLIENTS)]
    for client in clients:
        client.start()
    try:
        time.sleep(1)
        reads = {
            endpoint["name"]: run_wrk(server, endpoint, seconds, 20, workdir)
            for endpoint in plan
            if endpoint["name"] in SIGN_IN_READS
        }
    finally:
        stop.set()
        for client in clients:
            client.join()
    took.sort()
    return {
        "reads": reads,
        "alone_p50": alone[len(alone) // 2] * 1000,
        "sign_ins": len(took),
        "sign_in_p50": took[len(took) // 2] * 1000,
        "sign_in_p99": took[int(len(took) * 0.99)] * 1000,
    }


def print_sign_ins(results: dict) -> None:
    print()
    print(
        f"While {SIGN_IN_CLIENTS} clients sign in over and over "
        "(wrk -t2 -c20 on each read; sign-in latency as those clients saw it):"
    )
    print()
    print("| server | " + " | ".join(SIGN_IN_READS) + " | sign-ins | one sign-in alone |")
    print("|" + " --- |" * (len(SIGN_IN_READS) + 3))
    for name, result in results.items():
        reads = [
            f"{read['rps']:,.0f} req/s, p50 {read['p50']:.1f} ms, p99 {read['p99']:.1f} ms, "
            f"{read['errors']} errors"
            for read in (result["reads"][endpoint] for endpoint in SIGN_IN_READS)
        ]
        sign_ins = (
            f"{result['sign_ins']} in the run, p50 {result['sign_in_p50']:.0f} ms, "
            f"p99 {result['sign_in_p99']:.0f} ms"
        )
        alone = f"p50 {result['alone_p50']:.0f} ms (21 in a row)"
        print(f"| {name} | " + " | ".join(reads) + f" | {sign_ins} | {alone} |")


def cell(result: dict, floor: dict) -> str:
    return (
        f"{result['rps']:,.0f} ({result['rps'] / floor['rps']:.2f}x floor), "
        f"p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms, "
        f"{result['errors']} errors, {result['timeouts']} timeouts"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per endpoint")
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--before", metavar="REF", help="also serve git REF and compare")
    parser.add_argument("--only", help="run only endpoints whose name contains this")
    parser.add_argument(
        "--sign-ins",
        action="store_true",
        help=f"only the floor and a catalog page while {SIGN_IN_CLIENTS} clients sign in",
    )
    args = parser.parse_args()

    ensure_wrk()
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    ensure_database(database_url)
    workdir = Path(tempfile.mkdtemp(prefix="beautique-bench-"))
    after_env = environment(database_url, 8801, workdir)
    seed(after_env)

    servers = []
    before_checkout = None
    # This checkout's file cache in a fresh folder where its default is; a --before
    # checkout is fresh, so is its default folder.
    after_cache = memory_folder(workdir, "cache-after")
    after_env["CACHE_DIR"] = str(after_cache)
    try:
        if args.before:
            before_checkout = workdir / "before"
            subprocess.run(
                ["git", "worktree", "add", "--detach", "-q", str(before_checkout), args.before],
                cwd=ROOT,
                check=True,
            )
            # A database of its own, migrated and seeded by its own code: the schema
            # may have changed since (the version before orders had summary shards
            # failed 1,732 of its orders against the newer schema).
            url = urlsplit(database_url)
            before_database_url = url._replace(
                path=f"{url.path}_{git_sha(args.before)[:12]}"
            ).geturl()
            ensure_database(before_database_url)
            before_env = environment(before_database_url, 8802, workdir)
            before_bin = virtualenv_for(before_checkout, workdir)
            before_env["PATH"] = f"{before_bin}:{before_env['PATH']}"
            seed(before_env, cwd=before_checkout, python=str(before_bin / "python"))
            servers.append(Server("before", before_checkout, before_env, 8802, workdir))
        servers.append(Server("after", ROOT, after_env, 8801, workdir))
        # Each server's own ids (a --before server has a database of its own).
        plans = {server.name: endpoints(server) for server in servers}
        if args.sign_ins:
            sign_ins = {
                server.name: during_sign_ins(server, plans[server.name], args.seconds, workdir)
                for server in servers
            }
            print_sign_ins(sign_ins)
            return
        measured = [endpoint["name"] for endpoint in plans["after"]]
        if args.only:
            measured = [measured[0]] + [name for name in measured[1:] if args.only in name]
        results = {server.name: {} for server in servers}
        for endpoint_name in measured:
            for server in servers:
                endpoint = next(e for e in plans[server.name] if e["name"] == endpoint_name)
                run_wrk(server, endpoint, 2, args.connections, workdir)  # warm-up
                results[server.name][endpoint["name"]] = run_wrk(
                    server, endpoint, args.seconds, args.connections, workdir
                )
                print(
                    f"   {server.name:6} {endpoint['name']}: "
                    f"{results[server.name][endpoint['name']]['rps']:,.0f} req/s",
                    flush=True,
                )
    finally:
        for server in servers:
            server.stop()
        if before_checkout:
            subprocess.run(["git", "worktree", "remove", "--force", str(before_checkout)], cwd=ROOT)
        shutil.rmtree(after_cache, ignore_errors=True)
        shutil.rmtree(workdir, ignore_errors=True)

    print()
    print(
        f"wrk -t2 -c{args.connections} -d{args.seconds}s --latency, {os.cpu_count()} cores, "
        f"PostgreSQL, {PRODUCTS:,} products, {ORDERS:,}+ orders, "
        f"{after_env['WEB_CONCURRENCY']} workers"
    )
    print()
    names = [server.name for server in servers]
    header = "| endpoint | " + " | ".join(names)
    if args.before:
        header += " | after/before req/s"
    print(header + " |")
    print("|" + " --- |" * (len(names) + 1 + bool(args.before)))
    for endpoint_name in measured:
        row = [endpoint_name]
        for name in names:
            row.append(cell(results[name][endpoint_name], results[name][measured[0]]))
        if args.before:
            after = results["after"][endpoint_name]["rps"]
            before = results["before"][endpoint_name]["rps"]
            row.append(f"{after / before:.2f}")
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
