"""Load benchmark: N concurrent websocket visitors, each a whole BANT conversation with think time.

Against a real ``qualbot serve`` (offline extractor, its own SQLite or ``--database-url``), then
the same visitors against a bare FastAPI websocket echo endpoint. Prints completed
conversations per second, turn latency p50/p99, errors, server memory per open conversation,
and qualbot's turn throughput as a share of the echo's — at the given think time, and
saturated (no think time, fewer visitors) where the share measures per-turn cost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import uvloop
import websockets

from tests.support.server import LiveServer, free_port

ANSWERS = {
    "need": "We lose inbound leads because nobody replies fast enough.",
    "budget": "We have about $25,000 a year set aside for this.",
    "authority": "I'm the VP of Sales and I sign off on tools like this.",
    "timeline": "We want it running within the next 30 days.",
    "company": "We're about 80 people, based in Canada.",
}
ECHO_TURNS = 5


@dataclass
class Tally:
    """What the visitors measured."""

    latencies: list[float] = field(default_factory=list)
    completed: int = 0
    errors: list[str] = field(default_factory=list)
    turns: int = 0


async def _recv_until_question(ws: websockets.ClientConnection) -> dict:
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), 30))
        kind = frame.get("type")
        if kind in ("error", "qualified") or (kind == "bot" and frame.get("field")):
            return frame


async def qualbot_visitor(url: str, think: float, tally: Tally, connected: asyncio.Event, start_gate: asyncio.Event) -> None:
    try:
        async with websockets.connect(url, open_timeout=60, ping_interval=None) as ws:
            frame = await _recv_until_question(ws)
            connected.set()
            await start_gate.wait()
            while frame["type"] == "bot":
                await asyncio.sleep(think * random.uniform(0.5, 1.5))
                started = time.perf_counter()
                await ws.send(json.dumps({"type": "message", "text": ANSWERS[frame["field"]]}))
                frame = await _recv_until_question(ws)
                tally.latencies.append(time.perf_counter() - started)
                tally.turns += 1
            if frame["type"] == "qualified":
                tally.completed += 1
            else:
                tally.errors.append(f"{frame.get('code')}: {frame.get('message')}")
    except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the run
        tally.errors.append(f"{type(exc).__name__}: {exc}")
        connected.set()


async def echo_visitor(url: str, think: float, tally: Tally, connected: asyncio.Event, start_gate: asyncio.Event) -> None:
    try:
        async with websockets.connect(url, open_timeout=60, ping_interval=None) as ws:
            connected.set()
            await start_gate.wait()
            for turn in range(ECHO_TURNS):
                await asyncio.sleep(think * random.uniform(0.5, 1.5))
                started = time.perf_counter()
                await ws.send(json.dumps({"type": "message", "text": ANSWERS["need"], "turn": turn}))
                await asyncio.wait_for(ws.recv(), 30)
                tally.latencies.append(time.perf_counter() - started)
                tally.turns += 1
            tally.completed += 1
    except Exception as exc:  # noqa: BLE001
        tally.errors.append(f"{type(exc).__name__}: {exc}")
        connected.set()


async def drive(visitor, url: str, n: int, think: float, pid: int, ramp: float) -> dict:  # type: ignore[no-untyped-def]
    """Connect ``n`` visitors over ``ramp`` seconds, then let them all talk; return the figures."""
    tally = Tally()
    gate = asyncio.Event()
    rss_before = _rss_kib(pid)
    events, tasks = [], []
    for _ in range(n):
        event = asyncio.Event()
        events.append(event)
        tasks.append(asyncio.create_task(visitor(url, think, tally, event, gate)))
        await asyncio.sleep(ramp / n)
    await asyncio.gather(*(e.wait() for e in events))
    rss_open = _rss_kib(pid)
    cpu_before = _cpu_seconds(pid)
    own_before = time.process_time()
    started = time.perf_counter()
    gate.set()
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    server_cpu = _cpu_seconds(pid) - cpu_before
    own_cpu = time.process_time() - own_before
    lat = sorted(tally.latencies) or [0.0]
    return {
        "visitors": n,
        "think_seconds": think,
        "completed": tally.completed,
        "errors": len(tally.errors),
        "error_examples": sorted(set(tally.errors))[:3],
        "seconds": round(elapsed, 2),
        "conversations_per_second": round(tally.completed / elapsed, 2),
        "turns_per_second": round(tally.turns / elapsed, 1),
        "turn_p50_ms": round(1000 * statistics.median(lat), 1),
        "turn_p99_ms": round(1000 * lat[min(len(lat) - 1, int(0.99 * len(lat)))], 1),
        "memory_kib_per_open_conversation": round((rss_open - rss_before) / n, 1),
        # CPU the server spent per turn: robust to other load on the machine, unlike the rates
        "server_cpu_ms_per_turn": round(1000 * server_cpu / tally.turns, 3) if tally.turns else None,
        # the load generator shares the machine's cores: what it costs is not the server's to spend
        "load_generator_cpu_ms_per_turn": round(1000 * own_cpu / tally.turns, 3) if tally.turns else None,
    }


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` and its workers (from /proc), seconds."""
    total = 0
    for each in _tree(pid):
        fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _tree(pid: int) -> list[int]:
    """``pid`` and its child processes (a server's workers)."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [pid, *(int(p) for p in children.read_text().split())] if children.exists() else [pid]


def _rss_kib(pid: int) -> int:
    total = 0
    for each in _tree(pid):
        for line in Path(f"/proc/{each}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def _start_echo(workdir: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bench.echo:app", "--port", str(port), "--log-level", "warning"],
        stdout=subprocess.DEVNULL,
        stderr=open(workdir / "echo.log", "wb"),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/docs", timeout=1)
            return process, port
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("echo server did not start")


def run(visitors: int, think: float, saturated_visitors: int, database_url: str | None, workers: int = 1) -> dict:
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        server = LiveServer(workdir, database_url=database_url, env={
                "QUALBOT_LOG_LEVEL": "WARNING",
                "QUALBOT_WORKERS": str(workers),
                # every simulated visitor comes from 127.0.0.1: per-IP limits would stop the run
                "QUALBOT_RATE_LIMIT_WS_CONNECT": "1000000/minute",
                "QUALBOT_RATE_LIMIT_WS_MESSAGE": "1000000/minute",
            }).start()
        try:
            assert server.process is not None
            pid = server.process.pid
            url = f"{server.ws_url}/ws/chat?flow=bant"
            results["qualbot"] = uvloop.run(drive(qualbot_visitor, url, visitors, think, pid, ramp=visitors / 200))
            results["qualbot_saturated"] = uvloop.run(drive(qualbot_visitor, url, saturated_visitors, 0.0, pid, ramp=0.5))
        finally:
            server.stop()
        echo, port = _start_echo(workdir)
        try:
            url = f"ws://127.0.0.1:{port}/ws/echo"
            results["echo"] = uvloop.run(drive(echo_visitor, url, visitors, think, echo.pid, ramp=visitors / 200))
            results["echo_saturated"] = uvloop.run(drive(echo_visitor, url, saturated_visitors, 0.0, echo.pid, ramp=0.5))
        finally:
            echo.terminate()
            echo.wait()
    for mode in ("", "_saturated"):
        ours, theirs = results[f"qualbot{mode}"]["turns_per_second"], results[f"echo{mode}"]["turns_per_second"]
        results[f"throughput_share{mode}"] = round(ours / theirs, 3) if theirs else None
    return results


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench load", description=__doc__)
    parser.add_argument("--visitors", type=int, default=int(os.environ.get("QUALBOT_BENCH_VISITORS", 1000)))
    parser.add_argument("--think", type=float, default=2.0, help="mean think time between turns, seconds")
    parser.add_argument("--saturated-visitors", type=int, default=50)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="server processes (default: one per core, as in production)"
    )
    parser.add_argument("--json", action="store_true")
    args, _ = parser.parse_known_args(argv)
    results = run(args.visitors, args.think, args.saturated_visitors, args.database_url, args.workers)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"qualbot server: {args.workers} worker process(es) on {args.database_url or 'a fresh SQLite file'}")
        for name in ("qualbot", "echo", "qualbot_saturated", "echo_saturated"):
            r = results[name]
            print(
                f"{name:<18} visitors {r['visitors']:>5}  think {r['think_seconds']:.1f}s  completed {r['completed']:>5}  "
                f"errors {r['errors']:>3}  conv/s {r['conversations_per_second']:>7}  turns/s {r['turns_per_second']:>7}  "
                f"p50 {r['turn_p50_ms']:>6} ms  p99 {r['turn_p99_ms']:>6} ms  mem/conv {r['memory_kib_per_open_conversation']} KiB  "
                f"server CPU/turn {r['server_cpu_ms_per_turn']} ms  load generator CPU/turn {r['load_generator_cpu_ms_per_turn']} ms"
            )
            for example in r["error_examples"]:
                print(f"    error: {example}")
        print(f"turn throughput as a share of the echo's: {results['throughput_share']:.1%} at think time, "
              f"{results['throughput_share_saturated']:.1%} saturated")
    ok = results["qualbot"]["errors"] == 0
    return 0 if ok else 1
