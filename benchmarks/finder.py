"""Measure a finder results page: `atlas serve` against nginx serving its static export.

    python benchmarks/finder.py [--place Utrecht] [--need housing] [--duration 20]

Sets up a throwaway installation under benchmarks/out/finder-var/ as `atlas setup` does
(SQLite, collected static files, the starter directory), writes the static export of the
place in English (`atlas export-finder`), then serves the same results page twice on
localhost: by `atlas serve` (gunicorn, the production command) and by nginx from the
export. wrk (Debian's) loads both in the same run: a warm-up, then
`wrk -t2 -c64 -d20s --latency` against each. It prints a markdown table (requests/s,
p50/p90/p99 latency, the ratio to nginx) with the machine and the command, and a profile
of the page rendered in-process (queries, template and database time), for
docs/benchmarks.md.

As root, missing Debian packages (nginx, wrk) are installed with apt; otherwise the script
says what to install and stops. Nothing leaves the machine: both servers listen on
127.0.0.1, and nginx writes no access log.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
VAR = OUT / "finder-var"
EXPORT = OUT / "finder-static"
NGINX = OUT / "finder-nginx"
BIN = Path(sys.executable).parent
PACKAGES = {"nginx": "nginx", "wrk": "wrk"}
GOAL_RPS = 1500
GOAL_P99_MS = 50.0
CONNECTIONS = 64
THREADS = 2
WARMUP_SECONDS = 5
PROFILE_REQUESTS = 200


@dataclass
class WrkResult:
    requests_per_second: float
    latency_ms: dict[str, float]  # "50%", "90%", "99%" (and "75%")
    requests: int
    errors: str


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--place", default="Utrecht", help="place name (default: Utrecht)")
    parser.add_argument("--need", default="housing", help="sector slug (default: housing)")
    parser.add_argument("--duration", type=int, default=20, help="seconds per wrk run")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--port", type=int, default=8731, help="atlas serve port")
    parser.add_argument("--nginx-port", type=int, default=8732, help="nginx port")
    args = parser.parse_args(argv)
    tools = ensure_tools()
    environment = setup_django()
    path, place_name = export_page(args.place, args.need)
    profile = profile_page(path)
    servers = [
        start_gunicorn(args.port, args.workers, environment),
        start_nginx(tools["nginx"], args.nginx_port),
    ]
    try:
        atlas_url = f"http://127.0.0.1:{args.port}{path}"
        nginx_url = f"http://127.0.0.1:{args.nginx_port}{path}"
        floor_url = f"http://127.0.0.1:{args.port}/healthz"
        sizes = {url: wait_for(url) for url in (atlas_url, nginx_url, floor_url)}
        for url in (atlas_url, nginx_url, floor_url):
            run_wrk(tools["wrk"], url, WARMUP_SECONDS)
        # One after the other, in the same run, so that all see the same machine.
        atlas = run_wrk(tools["wrk"], atlas_url, args.duration)
        nginx = run_wrk(tools["wrk"], nginx_url, args.duration)
        floor = run_wrk(tools["wrk"], floor_url, args.duration)
    finally:
        for server in servers:
            stop(server)
    print(
        render(
            args,
            path,
            place_name,
            {
                "atlas serve": atlas,
                "nginx (static export)": nginx,
                "atlas serve, `/healthz` (floor: no template, one `SELECT 1`)": floor,
            },
            sizes,
            [atlas_url, nginx_url],
            profile,
        )
    )
    if atlas.requests_per_second < GOAL_RPS or atlas.latency_ms["99%"] > GOAL_P99_MS:
        sys.exit(
            f"goal missed: {atlas.requests_per_second:,.0f} requests/s "
            f"(goal {GOAL_RPS:,}), p99 {atlas.latency_ms['99%']:.1f} ms (goal {GOAL_P99_MS:.0f})"
        )


def log(message: str) -> None:
    print(f"[finder] {message}", file=sys.stderr, flush=True)


# Tools -------------------------------------------------------------------------------------


def ensure_tools() -> dict[str, str]:
    """nginx and wrk, installed with apt when running as root and missing."""
    found = {name: shutil.which(name) or shutil.which(name, path="/usr/sbin") for name in PACKAGES}
    missing = [PACKAGES[name] for name, path in found.items() if path is None]
    if missing:
        if os.geteuid() == 0 and shutil.which("apt-get"):
            log(f"installing {' '.join(missing)} with apt")
            env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
            subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
            subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, env=env)
            found = {name: shutil.which(name, path="/usr/sbin:/usr/bin") for name in PACKAGES}
        else:
            sys.exit(
                f"this benchmark needs Debian's {' '.join(missing)}: "
                f"apt-get install {' '.join(missing)} (as root)"
            )
    return {name: str(path) for name, path in found.items()}


# The installation --------------------------------------------------------------------------


def setup_django() -> dict[str, str]:
    """A fresh SQLite file and var directory under benchmarks/out/, set up as `atlas setup`;
    returns the environment the server runs with."""
    if VAR.exists():
        shutil.rmtree(VAR)
    VAR.mkdir(parents=True)
    environment = {
        "ATLAS_VAR_DIR": str(VAR),
        "DATABASE_URL": f"sqlite:///{VAR / 'finder.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "atlas.settings",
        # No key file written for a throwaway run.
        "ATLAS_SECRET_KEY": "benchmark-only-not-secret",
    }
    os.environ.update(environment)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from atlas.directory import actions
    from atlas.directory.models import Service

    started = time.perf_counter()
    call_command("setup", verbosity=0, stdout=io.StringIO())
    if not Service.objects.published().exists():
        # `atlas setup` loads the starter directory once it is part of it; until then, here.
        actions.import_starter_directory()
    log(f"atlas setup in {time.perf_counter() - started:.1f} s")
    return environment


def export_page(place_name: str, need: str) -> tuple[str, str]:
    """Export the place in English; returns the results page's path and the place's name."""
    from django.core.management import call_command
    from django.urls import reverse
    from django.utils import translation

    from atlas.directory.models import Service
    from atlas.leaflets import export

    (place_id,) = export.choose_places([place_name])
    with translation.override("en"):
        path = reverse("finder:results", args=[place_id, need])
    count = Service.objects.published().filter(place_id=place_id).count()
    if EXPORT.exists():
        shutil.rmtree(EXPORT)
    started = time.perf_counter()
    call_command(
        "export_finder",
        str(EXPORT),
        "--place",
        str(place_id),
        "--language",
        "en",
        stdout=io.StringIO(),
    )
    log(f"export in {time.perf_counter() - started:.1f} s; {count} published services here")
    if not (EXPORT / export.file_for(path)).is_file():
        sys.exit(f"the export has no {export.file_for(path)}")
    return path, place_name


# Servers -----------------------------------------------------------------------------------


def start_gunicorn(port: int, workers: int, environment: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [str(BIN / "atlas"), "serve", "--port", str(port), "--workers", str(workers)]
    log(" ".join(command))
    return subprocess.Popen(
        command,
        env={**os.environ, **environment},
        stdout=subprocess.DEVNULL,
        stderr=(VAR / "gunicorn.log").open("wb"),
        start_new_session=True,
    )


NGINX_CONF = """\
worker_processes auto;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
{user}
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {prefix}/tmp;
    proxy_temp_path {prefix}/tmp;
    fastcgi_temp_path {prefix}/tmp;
    uwsgi_temp_path {prefix}/tmp;
    scgi_temp_path {prefix}/tmp;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        index index.html;
    }}
}}
"""


def start_nginx(nginx: str, port: int) -> subprocess.Popen[bytes]:
    if NGINX.exists():
        shutil.rmtree(NGINX)
    (NGINX / "tmp").mkdir(parents=True)
    # As root, nginx hands requests to "nobody", who may not read the checkout.
    user = "user root root;" if os.geteuid() == 0 else ""
    conf = NGINX / "nginx.conf"
    conf.write_text(NGINX_CONF.format(prefix=NGINX, port=port, root=EXPORT, user=user))
    command = [nginx, "-c", str(conf), "-p", str(NGINX), "-e", str(NGINX / "error.log")]
    log(" ".join(command))
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, start_new_session=True)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def wait_for(url: str, seconds: float = 30) -> int:
    """Wait until the URL answers 200; returns the body's size in bytes."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                return len(response.read())
        except (OSError, ConnectionError) as error:
            if time.monotonic() > deadline:
                sys.exit(f"{url} did not answer: {error}")
            time.sleep(0.3)


# wrk ---------------------------------------------------------------------------------------


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(output: str) -> WrkResult:
    """requests/s and the latency distribution from `wrk --latency` output.

    >>> text = '''Running 20s test @ http://127.0.0.1:8000/
    ...   Latency Distribution
    ...      50%    1.10ms
    ...      75%  850.00us
    ...      90%    2.00ms
    ...      99%    1.20s
    ...   30000 requests in 20.00s, 90.00MB read
    ... Requests/sec:   1500.25
    ... '''
    >>> result = parse_wrk(text)
    >>> result.requests_per_second, result.latency_ms["75%"], result.latency_ms["99%"]
    (1500.25, 0.85, 1200.0)
    >>> result.requests
    30000
    """
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if rps is None:
        raise ValueError(f"no Requests/sec in wrk output:\n{output}")
    latency = {
        f"{m.group(1)}%": float(m.group(2)) * UNITS_MS[m.group(3)]
        for m in re.finditer(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
    }
    count = re.search(r"(\d+) requests in", output)
    errors = "; ".join(
        line.strip()
        for line in output.splitlines()
        if line.strip().startswith(("Socket errors", "Non-2xx"))
    )
    return WrkResult(
        requests_per_second=float(rps.group(1)),
        latency_ms=latency,
        requests=int(count.group(1)) if count else 0,
        errors=errors,
    )


def wrk_command(wrk: str, url: str, seconds: int) -> list[str]:
    return [wrk, f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", url]


def run_wrk(wrk: str, url: str, seconds: int) -> WrkResult:
    command = wrk_command(wrk, url, seconds)
    log(" ".join(command))
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return parse_wrk(output)


# Profile -----------------------------------------------------------------------------------


def profile_page(path: str) -> dict[str, Any]:
    """The page rendered in-process: queries per request, and where the time goes."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    executed: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append(sql)
        return execute(sql, params, many, context)

    with override_settings(ALLOWED_HOSTS=["testserver"]):
        client = Client()
        for _ in range(5):
            assert client.get(path).status_code == 200
        with connection.execute_wrapper(count):
            client.get(path)
        started = time.perf_counter()
        for _ in range(PROFILE_REQUESTS):
            client.get(path)
        plain_ms = (time.perf_counter() - started) * 1000 / PROFILE_REQUESTS
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(PROFILE_REQUESTS):
            client.get(path)
        profiler.disable()
    stats = pstats.Stats(profiler)

    def cumulative(predicate: Any) -> float:
        return max(
            (row[3] for key, row in stats.stats.items() if predicate(key)),  # type: ignore[attr-defined]
            default=0.0,
        )

    # The outermost call of each part, as a share of the profiled requests.
    whole = cumulative(lambda k: k[2] == "get" and k[0].endswith("django/test/client.py"))
    template = cumulative(
        lambda k: k[2] == "render" and k[0].endswith("django/template/backends/django.py")
    )
    sql = sum(
        row[3]
        for key, row in stats.stats.items()  # type: ignore[attr-defined]
        if key[2] == "execute" and key[0].endswith("django/db/backends/sqlite3/base.py")
    )
    view = cumulative(lambda k: k[2] == "results" and k[0].endswith("finder/views.py"))
    text = io.StringIO()
    # The project's own functions by cumulative time: which step of the view costs what.
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(r"/atlas/", 20)
    return {
        "queries": len(executed),
        "query_sql": [sql[:150] for sql in executed],
        "plain_ms": plain_ms,
        "whole_s": whole,
        "view_s": view,
        "template_s": template,
        "sql_s": sql,
        "top": text.getvalue(),
    }


# Output ------------------------------------------------------------------------------------


def machine() -> str:
    import django

    cpus = os.cpu_count()
    versions = []
    for tool, flag in (("nginx", "-v"), ("wrk", "-v")):
        path = shutil.which(tool) or shutil.which(tool, path="/usr/sbin")
        if path:
            done = subprocess.run([path, flag], capture_output=True, text=True)
            first = (done.stdout + done.stderr).strip().splitlines()
            versions.append(first[0] if first else tool)
    import gunicorn

    return (
        f"{cpus} CPUs, {platform.platform()}, Python {platform.python_version()}, "
        f"Django {django.get_version()}, gunicorn {gunicorn.__version__}, " + ", ".join(versions)
    )


def render(
    args: argparse.Namespace,
    path: str,
    place_name: str,
    results: dict[str, WrkResult],
    sizes: dict[str, int],
    urls: list[str],
    profile: dict[str, Any],
) -> str:
    nginx = results["nginx (static export)"]
    lines = [
        f"Machine: {machine()}.",
        "",
        f"Command: `.venv/bin/python benchmarks/finder.py --place {args.place} --need {args.need} "
        f"--duration {args.duration} --workers {args.workers}`; each server: "
        f"`wrk -t{THREADS} -c{CONNECTIONS} -d{args.duration}s --latency URL` after a "
        f"{WARMUP_SECONDS} s warm-up each, one after the other: atlas, nginx, then the "
        "floor (`atlas serve` answering `/healthz`).",
        "",
        f"Page: `{path}` (results for “{args.need}” in {place_name}, no filters), "
        f"{sizes[urls[0]]:,} bytes from atlas, {sizes[urls[1]]:,} bytes from the export "
        "(uncompressed: wrk asks for no compression).",
        "",
        "| server | requests/s | p50 ms | p90 ms | p99 ms | requests | ÷ nginx |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for name, result in results.items():
        latency = result.latency_ms
        lines.append(
            f"| {name} | {result.requests_per_second:,.0f} | {latency.get('50%', 0):.2f} | "
            f"{latency.get('90%', 0):.2f} | {latency.get('99%', 0):.2f} | {result.requests:,} | "
            f"{result.requests_per_second / nginx.requests_per_second:.3f} |"
        )
    errors = [f"{name}: {r.errors}" for name, r in results.items() if r.errors]
    if errors:
        lines += ["", "wrk reported: " + "; ".join(errors)]
    whole = profile["whole_s"] or 1.0
    lines += [
        "",
        f"Goal for `atlas serve`: at least {GOAL_RPS:,} requests/s with p99 at most "
        f"{GOAL_P99_MS:.0f} ms.",
        "",
        f"In-process (Django test client, one process, {PROFILE_REQUESTS} requests): "
        f"{profile['plain_ms']:.2f} ms per request, {profile['queries']} queries per request; "
        f"under cProfile the view takes {100 * profile['view_s'] / whole:.0f} % of the request, "
        f"template rendering {100 * profile['template_s'] / whole:.0f} %, SQL execution "
        f"{100 * profile['sql_s'] / whole:.0f} %.",
        "",
        "<details><summary>Queries of one request, and the project's functions by cumulative "
        "time</summary>",
        "",
        "```",
        *profile["query_sql"],
        "",
        profile["top"].strip(),
        "```",
        "</details>",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
