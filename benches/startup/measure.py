#!/usr/bin/env python3
"""Start-up measurement: launch-to-paint time and memory (PSS) of Hearken
against a hello-world Tauri app. Python 3 standard library only.

Run it through benches/startup/measure.sh, which builds both apps and provides
Xvfb plus a D-Bus session with an unlocked keyring. For each run and app:

  1. (Hearken) a fresh data folder filled with `hearken --data-dir D demo`
  2. spawn the app with fresh XDG config/cache folders; the wall time from
     spawn until it prints `HEARKEN_PAINTED_MS=<ms>` on stdout is the
     launch-to-paint time (Hearken prints it when the Inbox's first page has
     been painted and HEARKEN_BENCH=1 is set; the hello app once its page is)
  3. wait idle (30 s by default), then sum Pss from /proc/PID/smaps_rollup
     over the app and all its descendants (WebKitWebProcess,
     WebKitNetworkProcess, ...)
  4. end the whole process tree

The two apps' runs are interleaved (and which goes first alternates), so
slow drift of the machine affects both alike. This is a measurement, not a
test: nothing here passes or fails on a number.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

MARKER = "HEARKEN_PAINTED_MS="
# Printed just before MARKER: from the window asking for the Inbox's first
# page to that page painted.
FIRST_PAGE = "HEARKEN_FIRST_PAGE_MS="
# Hearken's start-up steps: the core's ("HEARKEN_STAGE_MS=<ms since launch>
# <what>") and the window's ("HEARKEN_UI_STAGES=script=90 asked=120 ...", ms
# since the page began loading).
STAGE = "HEARKEN_STAGE_MS="
UI_STAGES = "HEARKEN_UI_STAGES="


@dataclass
class Run:
    wall_ms: float
    reported_ms: float | None
    first_page_ms: float | None
    pss_kb: int
    rss_kb: int
    processes: list[str]
    # "keyring ready 21, workspace open 98, ..." and "script=90 asked=120 ...".
    core_steps: str = ""
    ui_steps: str = ""


@dataclass
class App:
    name: str
    binary: Path
    is_hearken: bool
    runs: list[Run] = field(default_factory=list)


# ---- /proc helpers ------------------------------------------------------------


def proc_table() -> dict[int, tuple[int, int, str]]:
    """pid -> (ppid, session id, command name) for every visible process."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                data = f.read().decode(errors="replace")
        except OSError:
            continue
        # the command name is in parentheses and may contain spaces
        name = data[data.index("(") + 1 : data.rindex(")")]
        rest = data[data.rindex(")") + 2 :].split()
        # rest[0]=state, rest[1]=ppid, rest[2]=pgrp, rest[3]=session
        table[int(entry)] = (int(rest[1]), int(rest[3]), name)
    return table


def process_tree(root: int) -> dict[int, str]:
    """The root process and all its descendants (by parent links, plus anything
    left in the root's session after its parent exited)."""
    table = proc_table()
    tree = {root: table.get(root, (0, 0, "?"))[2]}
    changed = True
    while changed:
        changed = False
        for pid, (ppid, sid, name) in table.items():
            if pid not in tree and (ppid in tree or sid == root):
                tree[pid] = name
                changed = True
    return tree


def memory_kb(pid: int) -> tuple[int, int]:
    """(Pss, Rss) in kB from /proc/PID/smaps_rollup; (0, 0) if it is gone."""
    pss = rss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss = int(line.split()[1])
    except OSError:
        pass
    return pss, rss


def kill_tree(proc: subprocess.Popen) -> None:
    pids = set(process_tree(proc.pid))
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except OSError:
            pass
        for pid in pids:
            try:
                os.kill(pid, sig)
            except OSError:
                pass
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if proc.poll() is not None and not any(Path(f"/proc/{p}").exists() for p in pids - {proc.pid}):
                return
            time.sleep(0.1)
    proc.wait(timeout=5)


# ---- one run ------------------------------------------------------------------


def launch_once(
    app: App, idle_s: float, timeout_s: float, workdir: Path, log_dir: Path, index: int, data_from: Path | None
) -> Run:
    run_dir = Path(tempfile.mkdtemp(prefix=f"{app.name}-", dir=workdir))
    env = dict(os.environ)
    env["XDG_CONFIG_HOME"] = str(run_dir / "config")
    env["XDG_CACHE_HOME"] = str(run_dir / "cache")
    for d in ("config", "cache"):
        (run_dir / d).mkdir()
    cmd = [str(app.binary)]
    if app.is_hearken:
        data = run_dir / "data"
        data.mkdir()
        env["HEARKEN_DATA_DIR"] = str(data)
        env["HEARKEN_BENCH"] = "1"
        if data_from is not None:
            # A copy, so every run starts from the same file.
            shutil.copytree(data_from, data, dirs_exist_ok=True)
        demo = None if data_from is not None else subprocess.run(
            [str(app.binary), "--data-dir", str(data), "demo"],
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if demo is not None and demo.returncode != 0:
            raise RuntimeError(f"`hearken demo` failed ({demo.returncode}):\n{demo.stdout}\n{demo.stderr}")
        cmd += ["--data-dir", str(data)]

    log_path = log_dir / f"{app.name}-{index}.log"
    painted = threading.Event()
    result: dict[str, float | None] = {"wall_ms": None, "reported_ms": None, "first_page_ms": None}
    core_steps: list[str] = []
    ui_steps: list[str] = []

    with open(log_path, "wb") as log:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            cmd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=log,
            start_new_session=True,
        )

        def read_stdout() -> None:
            assert proc.stdout is not None
            for raw in proc.stdout:  # keep draining, so the app never blocks on a full pipe
                if raw.startswith(STAGE.encode()):
                    ms, _, what = raw[len(STAGE) :].decode(errors="replace").strip().partition(" ")
                    core_steps.append(f"{what} {ms}")
                if raw.startswith(UI_STAGES.encode()):
                    ui_steps.append(raw[len(UI_STAGES) :].decode(errors="replace").strip())
                if raw.startswith(FIRST_PAGE.encode()):
                    try:
                        result["first_page_ms"] = float(raw[len(FIRST_PAGE) :].strip())
                    except ValueError:
                        pass
                if not painted.is_set() and raw.startswith(MARKER.encode()):
                    result["wall_ms"] = (time.perf_counter() - t0) * 1000
                    try:
                        result["reported_ms"] = float(raw[len(MARKER) :].strip())
                    except ValueError:
                        result["reported_ms"] = None
                    painted.set()
                log.write(b"[stdout] " + raw)
                log.flush()

        reader = threading.Thread(target=read_stdout, daemon=True)
        reader.start()
        try:
            deadline = time.monotonic() + timeout_s
            while not painted.wait(0.2):
                if proc.poll() is not None:
                    raise RuntimeError(f"{app.name} exited ({proc.returncode}) before painting; see {log_path}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{app.name} did not print {MARKER} within {timeout_s:.0f} s; see {log_path}")
            time.sleep(idle_s)
            if proc.poll() is not None:
                raise RuntimeError(f"{app.name} exited ({proc.returncode}) while idle; see {log_path}")
            tree = process_tree(proc.pid)
            pss = rss = 0
            per_process = []
            for pid, name in tree.items():
                p, r = memory_kb(pid)
                pss += p
                rss += r
                per_process.append(f"{name} {p / 1024:.0f} MB")
        finally:
            kill_tree(proc)
            reader.join(timeout=5)
    shutil.rmtree(run_dir, ignore_errors=True)
    assert result["wall_ms"] is not None
    return Run(
        wall_ms=float(result["wall_ms"]),
        reported_ms=result["reported_ms"],
        first_page_ms=result["first_page_ms"],
        pss_kb=pss,
        rss_kb=rss,
        processes=sorted(per_process),
        core_steps=", ".join(core_steps),
        ui_steps=" ".join(ui_steps),
    )


# ---- report -------------------------------------------------------------------


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, spec=".0f"):
    return "n/a" if value is None else format(value, spec)


def environment_lines() -> list[str]:
    def cmd_out(args):
        try:
            return subprocess.run(args, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    webkit = cmd_out(["pkg-config", "--modversion", "webkit2gtk-4.1"]) or "?"
    commit = cmd_out(["git", "-C", str(Path(__file__).resolve().parent), "rev-parse", "--short", "HEAD"]) or "?"
    return [
        f"date: {time.strftime('%Y-%m-%d %H:%M:%S %z')}",
        f"commit: {commit}",
        f"machine: {platform.system()} {platform.release()}, {os.cpu_count()} CPUs, WebKitGTK {webkit}",
        f"display: {os.environ.get('DISPLAY', '?')} (Xvfb under measure.sh)",
    ]


def report(apps: list[App], runs: int, idle_s: float, data_from: Path | None) -> str:
    lines = ["Hearken start-up benchmark (benches/startup/measure.sh)"]
    lines += environment_lines()
    if data_from is not None:
        lines.append(f"Hearken's data: a copy of {data_from} (not the sample workspace)")
    lines.append(f"runs per app: {runs}, idle before measuring memory: {idle_s:.0f} s")
    lines.append("")
    header = f"{'app':<10} {'runs':>4} {'launch->paint ms':>17} {'self-reported ms':>17} {'PSS MB':>8} {'RSS MB':>8} {'procs':>5}"
    lines.append(header)
    lines.append("-" * len(header))
    med = {}
    for app in apps:
        wall = median([r.wall_ms for r in app.runs])
        rep = median([r.reported_ms for r in app.runs])
        pss = median([r.pss_kb / 1024 for r in app.runs])
        rss = median([r.rss_kb / 1024 for r in app.runs])
        procs = median([len(r.processes) for r in app.runs])
        med[app.name] = (wall, pss)
        lines.append(
            f"{app.name:<10} {len(app.runs):>4} {fmt(wall):>17} {fmt(rep):>17} {fmt(pss):>8} {fmt(rss):>8} {fmt(procs):>5}"
        )
    lines.append("(medians; launch->paint is wall time from spawn to the HEARKEN_PAINTED_MS line;")
    lines.append(" self-reported is the app's own number, from main() for the hello app;")
    lines.append(" PSS is summed over the app and its WebKit processes, RSS only for reference)")
    lines.append("")
    if "hearken" in med and "hello" in med:
        (hw, hp), (bw, bp) = med["hearken"], med["hello"]
        lines.append(f"ratio Hearken/hello, launch->paint: {hw / bw:.2f}")
        lines.append(f"ratio Hearken/hello, PSS:           {hp / bp:.2f}")
        first = median([r.first_page_ms for r in apps[-1].runs])
        lines.append(f"Hearken's first Inbox page, asked -> painted: {fmt(first)} ms (median)")
    else:
        lines.append("ratios: n/a (Hearken was not measured)")
    lines.append("")
    lines.append("per run:")
    for app in apps:
        for i, r in enumerate(app.runs, 1):
            lines.append(
                f"  {app.name} #{i}: paint {r.wall_ms:.0f} ms (self {fmt(r.reported_ms, '.0f')}"
                + (f", first page {fmt(r.first_page_ms, '.0f')} ms" if app.is_hearken else "")
                + "), "
                f"PSS {r.pss_kb / 1024:.1f} MB, RSS {r.rss_kb / 1024:.1f} MB; PSS by process: {', '.join(r.processes)}"
            )
            if r.core_steps:
                lines.append(f"    core, ms after launch: {r.core_steps}")
            if r.ui_steps:
                lines.append(f"    window, ms after its page began loading: {r.ui_steps}")
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hello", required=True, type=Path, help="the hello-world app binary")
    ap.add_argument("--hearken", type=Path, help="the Hearken binary (release); omit to measure hello alone")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--idle", type=float, default=30.0, help="seconds to wait idle before reading memory")
    ap.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for the paint line")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--data-from", type=Path, help="start Hearken on a copy of this data folder instead of the sample workspace")
    args = ap.parse_args()

    apps = [App("hello", args.hello.resolve(), False)]
    if args.hearken:
        apps.append(App("hearken", args.hearken.resolve(), True))
    for app in apps:
        if not os.access(app.binary, os.X_OK):
            print(f"error: {app.binary} is not an executable", file=sys.stderr)
            return 1
    if not os.environ.get("DISPLAY"):
        print("error: no DISPLAY: run this under Xvfb (measure.sh does)", file=sys.stderr)
        return 1

    args.out.parent.mkdir(parents=True, exist_ok=True)
    log_dir = args.out.parent / "startup-logs"
    shutil.rmtree(log_dir, ignore_errors=True)
    log_dir.mkdir(parents=True)
    workdir = Path(tempfile.mkdtemp(prefix="hearken-bench-"))
    try:
        for i in range(args.runs):
            order = apps if i % 2 == 0 else list(reversed(apps))
            for app in order:
                print(f"run {i + 1}/{args.runs}: {app.name} ...", end=" ", flush=True)
                run = launch_once(app, args.idle, args.timeout, workdir, log_dir, i + 1, args.data_from)
                app.runs.append(run)
                print(
                    f"paint {run.wall_ms:.0f} ms, PSS {run.pss_kb / 1024:.1f} MB ({len(run.processes)} processes)",
                    flush=True,
                )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    text = report(apps, args.runs, args.idle, args.data_from)
    args.out.write_text(text)
    print()
    print(text, end="")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
