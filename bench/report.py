#!/usr/bin/env python3
"""The benchmark report: reads what bench/run.sh left in bench/out/ and writes bench/report.md.

Inputs, all optional (a missing one is reported as not measured):
  machine.json                 the machine and build, written by `report.py machine` at the start
  steps.tsv                    one line per step of the run: name, exit status, seconds, command
  <binary>.json                Google Benchmark JSON output of build/bench/<binary>
  agent_core_bench.txt         the agent core benchmark's "name value (comment)" lines
  <script>.json                flat objects of figures from the shell benchmarks and call benchmarks
  lab/figures.json, lab/timeseries.csv   the attack lab run
  soak/figures.json, soak/timeseries.csv the hostile soak (bench/soak/hostile_soak.sh)

Usage:
  report.py machine BUILD_DIR [--quick] > bench/out/machine.json
  report.py render OUT_DIR REPORT_MD [--plots-dir DIR]
"""

import csv
import io
import json
import math
import os
import platform
import re
import subprocess
import sys
import tempfile
from datetime import datetime, timezone

TIMESERIES_HEADER = [
    "t_s",
    "attack_offered",
    "attack_dropped_kernel",
    "attack_reached_switch",
    "legit_calls_attempted",
    "legit_calls_completed",
]

# --- The machine ---------------------------------------------------------------------


def parse_cpuinfo(text):
    """CPU model name and the number of logical processors in /proc/cpuinfo."""
    model = None
    count = 0
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "processor":
            count += 1
        elif key == "model name" and model is None:
            model = value.strip()
    return model, count


def parse_meminfo(text):
    """MemTotal from /proc/meminfo, in bytes."""
    for line in text.splitlines():
        if line.startswith("MemTotal:"):
            fields = line.split()
            factor = 1024 if len(fields) > 2 and fields[2].lower() == "kb" else 1
            return int(fields[1]) * factor
    return None


def parse_os_release(text):
    """PRETTY_NAME from /etc/os-release."""
    for line in text.splitlines():
        if line.startswith("PRETTY_NAME="):
            return line.split("=", 1)[1].strip().strip('"')
    return None


def parse_cmake_cache(text):
    """NAME:TYPE=VALUE lines of CMakeCache.txt as {NAME: VALUE}."""
    entries = {}
    for line in text.splitlines():
        if not line or line.startswith(("#", "//")):
            continue
        match = re.match(r"^([^:=]+):[^=]*=(.*)$", line)
        if match:
            entries[match.group(1)] = match.group(2)
    return entries


def build_type(cache, project_cmake, compile_commands):
    """The build type: the cache's, else the default the project's CMakeLists.txt sets, with
    the optimisation flags the library sources were compiled with."""
    kind = cache.get("CMAKE_BUILD_TYPE")
    if not kind:
        match = re.search(r"set\(CMAKE_BUILD_TYPE\s+(\w+)\)", project_cmake)
        kind = f"{match.group(1)} (project default)" if match else None
    flags = []
    try:
        commands = json.loads(compile_commands) if compile_commands else []
    except ValueError:
        commands = []
    if commands:
        words = commands[0].get("command", "").split()
        flags = [w for w in words if re.match(r"^(-O\S*|-g\S*|-DNDEBUG|-fsanitize=\S+)$", w)]
    if kind and flags:
        return f"{kind}: {' '.join(flags)}"
    return kind or (" ".join(flags) if flags else None)


def _read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def _command(args):
    try:
        return subprocess.run(args, capture_output=True, text=True, check=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


def collect_machine(build_dir, quick=False, now=None):
    """Everything the report says about where and how the figures came from."""
    model, cores = parse_cpuinfo(_read("/proc/cpuinfo"))
    cache = parse_cmake_cache(_read(os.path.join(build_dir, "CMakeCache.txt")))
    compiler = cache.get("CMAKE_CXX_COMPILER") or "c++"
    compiler_version = _command([compiler, "--version"])
    commit = _command(["git", "rev-parse", "--short=12", "HEAD"])
    dirty = _command(["git", "status", "--porcelain", "--untracked-files=no"])
    load = _read("/proc/loadavg").split()[:3]
    return {
        "date": (now or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu_model": model,
        "cores": cores or os.cpu_count(),
        "memory_bytes": parse_meminfo(_read("/proc/meminfo")),
        "kernel": platform.release(),
        "os": parse_os_release(_read("/etc/os-release")),
        "debian_version": _read("/etc/debian_version").strip() or None,
        "compiler": compiler_version.splitlines()[0] if compiler_version else compiler,
        "build_type": build_type(cache, _read(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "CMakeLists.txt")),
                                 _read(os.path.join(build_dir, "compile_commands.json"))),
        "git_commit": commit,
        "git_branch": _command(["git", "rev-parse", "--abbrev-ref", "HEAD"]),
        "git_dirty": bool(dirty),
        "load_average": " ".join(load) if load else None,
        "run": "quick (bench/run.sh --quick: short benchmark runs, the lab's short attack; rough figures)"
               if quick else "full",
    }


# --- Inputs ----------------------------------------------------------------------------

_TIME_UNITS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def parse_google_benchmark(document):
    """Rows of a Google Benchmark JSON document: {name, run_name, aggregate, seconds,
    cpu_seconds, items_per_second, counters, error}. Times are per iteration, in seconds."""
    rows = []
    for entry in document.get("benchmarks", []):
        scale = _TIME_UNITS.get(entry.get("time_unit", "ns"), 1e-9)
        counters = {}
        for key, value in entry.items():
            if key in (
                "name", "family_index", "per_family_instance_index", "run_name", "run_type",
                "repetitions", "repetition_index", "threads", "iterations", "real_time",
                "cpu_time", "time_unit", "aggregate_name", "aggregate_unit", "error_occurred",
                "error_message", "label",
            ):
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                counters[key] = float(value)
        rows.append({
            "name": entry.get("name", ""),
            "run_name": entry.get("run_name", entry.get("name", "")),
            "aggregate": entry.get("aggregate_name") if entry.get("run_type") == "aggregate" else None,
            "seconds": float(entry["real_time"]) * scale if "real_time" in entry else None,
            "cpu_seconds": float(entry["cpu_time"]) * scale if "cpu_time" in entry else None,
            "items_per_second": counters.pop("items_per_second", None),
            "counters": counters,
            "error": entry.get("error_message") if entry.get("error_occurred") else None,
        })
    return rows


def parse_agent_core(text):
    """The agent core benchmark's lines ("name value (comment)", or for the latency
    line "name p50<=A p99<=B max=C") as flat figures."""
    figures = {}
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 2 or not re.match(r"^[a-z][a-z0-9_]*$", fields[0]):
            continue
        name = fields[0]
        try:
            figures[name] = float(fields[1])
            continue
        except ValueError:
            pass
        for field in fields[1:]:
            match = re.match(r"^([a-z0-9]+)(<=|=)(-?[0-9.]+)$", field)
            if not match:
                break
            figures[f"{name}_{match.group(1)}"] = float(match.group(3))
    return figures


def parse_flat_figures(document):
    """A flat object of figures: numbers, strings, booleans, null, or one level of nested
    numbers or nulls (such as attempts per attacker kind, null for one never blocked).
    Anything else is an error."""
    if not isinstance(document, dict):
        raise ValueError("figures must be a JSON object")
    for key, value in document.items():
        if isinstance(value, dict):
            for inner_key, inner in value.items():
                if inner is not None and not _is_number(inner):
                    raise ValueError(f"{key}.{inner_key}: expected a number, got {inner!r}")
        elif value is not None and not isinstance(value, (int, float, str, bool)):
            raise ValueError(f"{key}: expected a number, a string or an object of numbers")
    return document


def parse_timeseries(text):
    """The lab's per-second counts; the header must be exactly TIMESERIES_HEADER."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or [h.strip() for h in header] != TIMESERIES_HEADER:
        raise ValueError(f"timeseries header must be {','.join(TIMESERIES_HEADER)}, got {header}")
    rows = []
    for number, fields in enumerate(reader, start=2):
        if not fields or all(not f.strip() for f in fields):
            continue
        if len(fields) != len(TIMESERIES_HEADER):
            raise ValueError(f"timeseries line {number}: {len(fields)} fields, expected {len(TIMESERIES_HEADER)}")
        try:
            rows.append({k: float(v) for k, v in zip(TIMESERIES_HEADER, fields)})
        except ValueError as err:
            raise ValueError(f"timeseries line {number}: {err}") from None
    return rows


SOAK_PLOT_HEADER = ["t_s", "switch_rss_mb", "agent_rss_mb", "switch_fds", "agent_fds", "switch_tcp_connections",
                    "calls_in_progress", "legit_completed_per_s", "legit_failed_per_s", "full_disk"]


def soak_plot_rows(text):
    """The soak's samples (bench/soak/sampler.py's CSV) as rows for soak.gp: memory in MB,
    and the office's completed and failed calls per second between two samples. A sample
    with an empty field (a daemon not answering) keeps its other columns; the empty ones
    become NaN, which gnuplot leaves out."""
    samples = list(csv.DictReader(io.StringIO(text)))
    if samples and "t_s" not in samples[0]:
        raise ValueError("soak timeseries has no t_s column")

    def number(row, key, scale=1.0):
        try:
            return float(row.get(key, "")) * scale
        except ValueError:
            return math.nan

    rows = []
    previous = None
    for row in samples:
        t = number(row, "t_s")
        completed, failed = number(row, "legit_completed"), number(row, "legit_failed")
        rates = [math.nan, math.nan]
        if previous is not None and t > previous[0]:
            span = t - previous[0]
            rates = [(completed - previous[1]) / span, (failed - previous[2]) / span]
        rows.append([t, number(row, "switch_rss_kb", 1 / 1024), number(row, "agent_rss_kb", 1 / 1024),
                     number(row, "switch_fds"), number(row, "agent_fds"), number(row, "switch_tcp_connections"),
                     number(row, "calls_in_progress"), *rates, 1.0 if "full disk" in row.get("phase", "") else 0.0])
        if not (math.isnan(completed) or math.isnan(failed)):
            previous = (t, completed, failed)
    return rows


def parse_steps(text):
    """steps.tsv: name, exit status, seconds, command (tab separated)."""
    steps = []
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) < 4:
            continue
        steps.append({"name": fields[0], "status": fields[1], "seconds": float(fields[2]), "command": fields[3]})
    return steps


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


# --- Figures and targets ------------------------------------------------------------------


class Target:
    """A bound a figure must meet: op is one of >=, >, <=, <."""

    def __init__(self, op, bound, source):
        assert op in (">=", ">", "<=", "<")
        self.op, self.bound, self.source = op, bound, source

    def met(self, value):
        return {
            ">=": value >= self.bound,
            ">": value > self.bound,
            "<=": value <= self.bound,
            "<": value < self.bound,
        }[self.op]

    def text(self, unit):
        op = {">=": "≥", "<=": "≤"}.get(self.op, self.op)
        return f"{op} {format_value(self.bound, unit)} ({self.source})"


def format_value(value, unit=""):
    """Numbers for people: thousands separators, three significant digits for small ones."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if unit == "%":
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        return f"{text} %"
    magnitude = abs(value)
    if magnitude >= 1000 or float(value).is_integer():
        text = f"{value:,.0f}"
    elif magnitude >= 100:
        text = f"{value:.0f}"
    elif magnitude >= 10:
        text = f"{value:.1f}"
    elif magnitude == 0:
        text = "0"
    else:
        text = f"{value:.3g}"
    return f"{text} {unit}".strip() if unit else text


class Inputs:
    """Everything found in the output folder."""

    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.errors = []
        self.benchmarks = {}  # binary -> rows
        self.flat = {}  # name -> figures
        self.machine = self._json("machine.json") or {}
        self.steps = parse_steps(_read(os.path.join(out_dir, "steps.tsv")))
        self.agent_core = parse_agent_core(_read(os.path.join(out_dir, "agent_core_bench.txt")))
        for name in sorted(os.listdir(out_dir)) if os.path.isdir(out_dir) else []:
            if not name.endswith(".json") or name == "machine.json":
                continue
            document = self._json(name)
            if document is None:
                continue
            stem = name[: -len(".json")]
            if isinstance(document, dict) and "benchmarks" in document and "context" in document:
                self.benchmarks[stem] = parse_google_benchmark(document)
            else:
                try:
                    self.flat[stem] = parse_flat_figures(document)
                except ValueError as err:
                    self.errors.append(f"{name}: {err}")
        self.lab = None
        self.timeseries = None
        lab_figures = self._json(os.path.join("lab", "figures.json"))
        if lab_figures is not None:
            try:
                self.lab = parse_flat_figures(lab_figures)
            except ValueError as err:
                self.errors.append(f"lab/figures.json: {err}")
        self.soak = None
        soak_figures = self._json(os.path.join("soak", "figures.json"))
        if soak_figures is not None:
            try:
                self.soak = parse_flat_figures(soak_figures)
            except ValueError as err:
                self.errors.append(f"soak/figures.json: {err}")
        series_path = os.path.join(out_dir, "lab", "timeseries.csv")
        if os.path.exists(series_path):
            try:
                self.timeseries = parse_timeseries(_read(series_path))
            except ValueError as err:
                self.errors.append(f"lab/timeseries.csv: {err}")

    def _json(self, name):
        path = os.path.join(self.out_dir, name)
        if not os.path.exists(path):
            return None
        try:
            with open(path, encoding="utf-8") as f:
                return json.load(f)
        except (OSError, ValueError) as err:
            self.errors.append(f"{name}: {err}")
            return None

    def benchmark(self, binary, run_name, field, aggregate=None):
        """One figure of a Google Benchmark row whose run name starts with run_name.
        field: items_per_second, seconds, cpu_seconds, or a counter's name."""
        for row in self.benchmarks.get(binary, []):
            if row["error"] or row["aggregate"] != aggregate:
                continue
            if row["run_name"] != run_name and not row["run_name"].startswith(run_name + "/"):
                continue
            value = row.get(field) if field in ("items_per_second", "seconds", "cpu_seconds") else row["counters"].get(field)
            if value is not None:
                return value
        return None


class Figure:
    """One line of a component's table: a label, how to get the value, its unit, a target."""

    def __init__(self, label, get, unit="", target=None, scale=1.0):
        self.label, self.get, self.unit, self.target, self.scale = label, get, unit, target, scale

    def value(self, inputs):
        value = self.get(inputs)
        if not _is_number(value):
            return value
        return value * self.scale


def gb(binary, run_name, field, aggregate=None):
    return lambda inputs: inputs.benchmark(binary, run_name, field, aggregate)


def agent_core(name):
    return lambda inputs: inputs.agent_core.get(name)


def flat(source, key):
    return lambda inputs: inputs.flat.get(source, {}).get(key)


def difference(a, b):
    def get(inputs):
        x, y = a(inputs), b(inputs)
        return x - y if _is_number(x) and _is_number(y) else None
    return get


MIB_TO_MB = 1024 * 1024 / 1e6

# Key figures per component, with the targets the issues name (issue number in brackets).
COMPONENTS = [
    ("Policy core", "policy_bench", [
        Figure("reports/s, 1M tracked sources, one core", gb("policy_bench", "BM_reports_with_1M_sources", "items_per_second"),
               "/s", Target(">=", 2e6, "#2")),
        Figure("heap bytes per tracked source", gb("policy_bench", "BM_reports_with_1M_sources", "heap_bytes_per_source"),
               "B", Target("<=", 150, "#2")),
        Figure("table bytes per tracked source", gb("policy_bench", "BM_reports_with_1M_sources", "table_bytes_per_source"), "B"),
        Figure("tick with nothing due", gb("policy_bench", "BM_tick_with_nothing_due", "seconds"), "ns", scale=1e9),
    ]),
    ("Netfilter", "netfilter_elements_bench, netfilter_nfqueue_bench", [
        Figure("1M IPv4 elements added in bulk", gb("netfilter_elements_bench", "bulk_add/1000000", "seconds"), "s",
               Target("<", 3.0, "#3")),
        Figure("100k IPv6 elements added in bulk", gb("netfilter_elements_bench", "bulk_add_v6/100000", "seconds"), "s"),
        Figure("single add, call to ACK, p50", gb("netfilter_elements_bench", "single_add", "seconds", "p50"), "µs", scale=1e6),
        Figure("single add, call to ACK, p99", gb("netfilter_elements_bench", "single_add", "seconds", "p99"), "µs",
               Target("<", 1000, "#3"), scale=1e6),
        Figure("NFQUEUE receiver, trivial accept verdict", gb("netfilter_nfqueue_bench", "nfqueue_drain/4096", "items_per_second"),
               "pps", Target(">=", 200e3, "#3")),
        Figure("NFQUEUE whole path on one thread (send, verdict, receive)",
               gb("netfilter_nfqueue_bench", "nfqueue_accept/64", "items_per_second"), "pps"),
        Figure("latency added by the queue, p50",
               difference(gb("netfilter_nfqueue_bench", "packet_latency/queued", "seconds", "p50"),
                          gb("netfilter_nfqueue_bench", "packet_latency/direct", "seconds", "p50")), "µs", scale=1e6),
    ]),
    ("SIP", "sip_parser_bench, sip_digest_bench", [
        Figure("parses/s, 600-byte REGISTER, validated", gb("sip_parser_bench", "parse_register", "items_per_second"), "/s",
               Target(">=", 1e6, "#4")),
        Figure("parses/s, REGISTER without validation", gb("sip_parser_bench", "parse_register_unvalidated", "items_per_second"), "/s"),
        Figure("parses/s, INVITE with SDP", gb("sip_parser_bench", "parse_invite_sdp", "items_per_second"), "/s"),
        Figure("digest verifications/s, MD5", gb("sip_digest_bench", "BM_verify_md5", "items_per_second"), "/s"),
        Figure("digest verifications/s, SHA-256", gb("sip_digest_bench", "BM_verify_sha256", "items_per_second"), "/s"),
    ]),
    ("Store", "store_bench", [
        Figure("CDR rows/s, 1000 per transaction", gb("store_bench", "cdr_write/1000", "items_per_second"), "/s"),
        Figure("CDR rows/s, one per transaction", gb("store_bench", "cdr_write/1", "items_per_second"), "/s"),
        Figure("1M blocks loaded", gb("store_bench", "block_load_all/1000000", "seconds"), "s"),
        Figure("audit lines/s, 100 per transaction", gb("store_bench", "audit_append/100", "items_per_second"), "/s"),
    ]),
    ("Agent", "agent_core_bench, agent_socket_bench", [
        Figure("reports/s, each creating a block (kernel and agent.db)", agent_core("reports_with_new_blocks_per_s"), "/s",
               Target(">=", 50e3, "#5")),
        Figure("report to kernel ACK at 1k reports/s, p50 (bucket bound)", agent_core("report_to_kernel_ack_us_p50"), "µs"),
        Figure("report to kernel ACK at 1k reports/s, p99 (bucket bound)", agent_core("report_to_kernel_ack_us_p99"), "µs",
               Target("<", 1000, "#5")),
        Figure("RSS with 100k blocks", agent_core("rss_with_100k_blocks_mib"), "MB", Target("<", 64, "#5"), scale=MIB_TO_MB),
        Figure("restart to serving, 1M stored blocks", agent_core("restart_to_serving_s"), "s", Target("<", 5, "#5")),
        Figure("reports/s through one socket connection",
               gb("agent_socket_bench", "reports_through_socket", "items_per_second"), "/s"),
    ]),
    ("Inspector", "inspector_bench, inspector_latency_bench, scanner_flood.sh", [
        Figure("packets/s inspected, REGISTER/INVITE mix, one core",
               gb("inspector_bench", "BM_inspect_register_invite_mix", "items_per_second"), "pps", Target(">=", 150e3, "#8")),
        Figure("REGISTER latency, inspected, p50", gb("inspector_latency_bench", "register_latency/inspected", "seconds", "p50"),
               "µs", scale=1e6),
        Figure("REGISTER latency, inspected, p99", gb("inspector_latency_bench", "register_latency/inspected", "seconds", "p99"),
               "µs", scale=1e6),
        Figure("latency added by the inspector, p50",
               difference(gb("inspector_latency_bench", "register_latency/inspected", "seconds", "p50"),
                          gb("inspector_latency_bench", "register_latency/direct", "seconds", "p50")), "µs", scale=1e6),
        Figure("scanner flood: packets sent (each case below)", flat("scanner_flood", "packets"), ""),
        Figure("switch CPU per scanner flood, no inspector", flat("scanner_flood", "no_inspector_switch_cpu_s"), "s"),
        Figure("switch CPU per scanner flood, inspector on", flat("scanner_flood", "inspector_switch_cpu_s"), "s"),
        Figure("agent CPU per scanner flood, inspector on", flat("scanner_flood", "inspector_agent_cpu_s"), "s"),
        Figure("switch CPU per scanner flood, inspector and scanner block", flat("scanner_flood", "scanner_block_switch_cpu_s"), "s"),
    ]),
    ("Switch: registrar", "register_load.sh, switch_registrar_bench", [
        Figure("REGISTER exchanges/s with digest, SIPp against tollgate-switch",
               flat("register_load", "register_exchanges_per_s"), "/s", Target(">=", 17700, "#6, Kamailio here")),
        Figure("failed REGISTER exchanges", flat("register_load", "failed"), ""),
        Figure("switch RSS with the bindings", flat("register_load", "rss_after_mb"), "MB"),
        Figure("bindings stored", flat("register_load", "bindings"), ""),
        Figure("REGISTERs/s through the registrar core", gb("switch_registrar_bench", "BM_register_with_digest", "items_per_second"), "/s"),
        Figure("registrar core bytes per binding", gb("switch_registrar_bench", "BM_rss_100k_bindings", "bytes_per_binding"), "B"),
    ]),
    ("Switch: calls", "call_load.sh, illegal_load.sh (SIPp and a UDP sender against tollgate-switch), "
                      "switch_call_dispatcher_bench, switch_trace_bench", [
        Figure("calls/s offered through the B2BUA with ≥ 99.9 % completed (highest step)",
               flat("call_load", "max_offered_cps_999"), "/s", Target(">=", 1000, "#7")),
        Figure("calls/s completed in that step (over its wall time)", flat("call_load", "max_cps_999"), "/s"),
        Figure("switch CPU at that rate", flat("call_load", "switch_cpu_percent_at_max"), "% of one core"),
        Figure("CDR rows written for the calls", flat("call_load", "cdr_rows"), ""),
        Figure("calls offered over all steps", flat("call_load", "calls_offered"), ""),
        Figure("illegal INVITEs answered 403 and recorded/s, ≥ 99.9 % answered (CDR rows/s)",
               flat("illegal_load", "max_rejected_per_s_999"), "/s", Target(">=", 20e3, "#7")),
        Figure("switch CPU at that rate", flat("illegal_load", "switch_cpu_percent_at_max"), "% of one core"),
        Figure("illegal CDR rows written", flat("illegal_load", "cdr_rows"), ""),
        Figure("illegal INVITEs recorded/s through the call dispatcher, no sockets",
               gb("switch_call_dispatcher_bench", "BM_illegal_invites_recorded", "items_per_second"), "/s"),
        Figure("CDR rows written/s, 512 per commit", gb("switch_call_dispatcher_bench", "BM_cdr_rows_written/512", "items_per_second"),
               "/s"),
        Figure("CDR rows written/s, one per commit", gb("switch_call_dispatcher_bench", "BM_cdr_rows_written/1", "items_per_second"),
               "/s"),
        Figure("live trace cost per message, nobody tracing", gb("switch_trace_bench", "nobody_traces", "seconds"), "ns",
               scale=1e9),
        Figure("live trace cost per message, one trace, no filter", gb("switch_trace_bench", "one_trace_no_filter", "seconds"),
               "ns", scale=1e9),
    ]),
    ("B2BUA core", "b2bua_bench", [
        Figure("calls/s through the core, no sockets", gb("b2bua_bench", "BM_call_through_core", "items_per_second"), "/s"),
        Figure("illegal INVITEs/s rejected with their CDR built", gb("b2bua_bench", "BM_illegal_invite", "items_per_second"), "/s"),
    ]),
]

# Flat figure files the component tables above read; every figure of them is listed at the
# end. Any other bench/out/<name>.json gets a table of its own, without targets (a target is
# only given where a table above names the figure).
SEEN_FLAT = {"register_load", "scanner_flood", "call_load", "illegal_load"}


# --- Rendering ----------------------------------------------------------------------------


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _verdict(value, target):
    if target is None:
        return ""
    if not _is_number(value):
        return "not measured"
    return "**pass**" if target.met(value) else "**miss**"


def format_seconds(seconds):
    """A duration in the unit that keeps it readable."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if abs(seconds) >= scale:
            return format_value(seconds / scale, unit)
    return format_value(seconds * 1e9, "ns")


_FLAT_UNITS = [("_per_s", "/s"), ("_pps", "pps"), ("_ms", "ms"), ("_us", "µs"), ("_s", "s"), ("_mb", "MB"),
               ("_mib", "MiB"), ("_kb", "kB"), ("_bytes", "B"), ("_percent", "%")]


def flat_unit(key):
    """The unit a flat figure's name ends with, by the usual suffixes (calls_per_s, cpu_s)."""
    for suffix, unit in _FLAT_UNITS:
        if key.endswith(suffix):
            return unit
    return ""


def figure_rows(figures, inputs):
    rows = []
    for figure in figures:
        value = figure.value(inputs)
        rows.append([
            figure.label,
            format_value(value, figure.unit) if value is not None else "not measured",
            figure.target.text(figure.unit) if figure.target else "",
            _verdict(value, figure.target),
        ])
    return rows


def machine_section(machine):
    memory = machine.get("memory_bytes")
    commit = machine.get("git_commit") or "unknown"
    if machine.get("git_dirty"):
        commit += " (with uncommitted changes)"
    rows = [
        ["CPU", machine.get("cpu_model") or "unknown"],
        ["cores", machine.get("cores") or "unknown"],
        ["memory", f"{memory / 2**30:.1f} GiB" if memory else "unknown"],
        ["kernel", machine.get("kernel") or "unknown"],
        ["Debian", " ".join(x for x in (machine.get("os"), machine.get("debian_version") and f"({machine['debian_version']})") if x) or "unknown"],
        ["compiler", machine.get("compiler") or "unknown"],
        ["build type", machine.get("build_type") or "unknown"],
        ["date", machine.get("date") or "unknown"],
        ["git commit", f"{commit} on {machine.get('git_branch') or '?'}"],
        ["load average at start", machine.get("load_average") or "unknown"],
        ["run", machine.get("run") or "unknown"],
    ]
    return _table(["", ""], rows)


def _attempts_rows(value):
    if isinstance(value, dict):
        return [[f"attempts before the kernel block: {kind}", format_value(v) if v is not None else "never blocked"]
                for kind, v in value.items()]
    return [["attempts before the kernel block", format_value(value) if value is not None else "not measured"]]


def _nested(value, unit=""):
    return ", ".join(f"{k}: {format_value(v, unit) if v is not None else '—'}" for k, v in value.items())


def lab_section(inputs, plots):
    lab = inputs.lab
    if lab is None:
        text = ("The lab's attack run was not available (no `bench/out/lab/figures.json`: "
                "`bench/lab/attack_run.sh` missing or failed); its key figures are not measured.")
        for title, path in plots:
            text += f"\n\n![{title}]({path})"
        return text
    rows = _attempts_rows(lab.get("attempts_before_block"))
    rows.append(["triggering failure to kernel block, p50", format_value(lab.get("block_latency_ms_p50"), "ms")])
    rows.append(["triggering failure to kernel block, max", format_value(lab.get("block_latency_ms_max"), "ms")])
    rate = lab.get("legit_call_success_rate")
    percent = rate * 100 if _is_number(rate) and rate <= 1 else rate
    target = Target(">=", 100, "#7, #10: every legitimate call completes")
    rows.append(["legitimate call success rate under attack", format_value(percent, "%"),
                 ])
    rows[-1] += [target.text("%"), _verdict(percent, target)]
    duration = lab.get("duration_s")
    for process, key in (("tollgate-switch", "cpu_switch_s"), ("tollgate-agent", "cpu_agent_s")):
        cpu = lab.get(key)
        text = format_value(cpu, "s") if cpu is not None else "not measured"
        if _is_number(cpu) and _is_number(duration) and duration > 0:
            text += f" ({format_value(100 * cpu / duration, '%')} of one core)"
        rows.append([f"CPU, {process}", text])
    rows.append(["attack packets offered", format_value(lab.get("attack_packets_offered"))])
    rows.append(["attack packets dropped in the kernel", format_value(lab.get("attack_packets_dropped_kernel"))])
    rows.append(["attack packets that reached the switch", format_value(lab.get("attack_packets_reached_switch"))])
    rows.append(["duration of the run", format_value(lab.get("duration_s"), "s")])
    known = {"attempts_before_block", "block_latency_ms_p50", "block_latency_ms_max", "legit_call_success_rate",
             "cpu_switch_s", "cpu_agent_s", "attack_packets_offered", "attack_packets_dropped_kernel",
             "attack_packets_reached_switch", "duration_s"}
    for key, value in lab.items():
        if key not in known:
            unit = flat_unit(key)
            rows.append([key, _nested(value, unit) if isinstance(value, dict) else format_value(value, unit)])
    rows = [row + [""] * (4 - len(row)) for row in rows]
    text = _table(["figure", "value", "target", ""], rows)
    text += ("\n\nAttempts, block latency and packet counts are as the lab defines and counts them "
             "(`bench/lab/`); CPU is user plus system time of each daemon over the run.")
    for title, path in plots:
        text += f"\n\n![{title}]({path})"
    if inputs.timeseries is None:
        text += "\n\nNo time series (`bench/out/lab/timeseries.csv`) to plot."
    return text


def soak_section(inputs, plots):
    if inputs.soak is None:
        text = ("The hostile soak was not available (no `bench/out/soak/figures.json`: "
                "`bench/soak/hostile_soak.sh` did not run or failed).")
    else:
        text = ("Slow TCP clients, an authorized trunk's distinct-Call-ID INVITE flood to a carrier that "
                "never answers, and the state directory's disk full for a fifth of the run, while the "
                "office registers and calls (`bench/soak/hostile_soak.sh`).\n\n" + flat_section("soak", inputs.soak))
    for title, path in plots:
        text += f"\n\n![{title}]({path})"
    return text


def flat_section(name, figures):
    rows = []
    for key, value in figures.items():
        unit = flat_unit(key)
        if isinstance(value, dict):
            value = _nested(value, unit)
        rows.append([key, format_value(value, unit) if value is not None else "—"])
    return _table(["figure", "value"], rows)


def all_benchmarks_section(inputs):
    rows = []
    for binary in sorted(inputs.benchmarks):
        for row in inputs.benchmarks[binary]:
            time = row["seconds"]
            rows.append([
                binary,
                row["name"],
                row["error"] or (format_seconds(time) if time is not None else "—"),
                format_value(row["items_per_second"], "/s") if row["items_per_second"] is not None else "",
            ])
    if not rows:
        return "No Google Benchmark output was found."
    return _table(["binary", "benchmark", "time per iteration", "items/s"], rows)


def steps_section(steps):
    if not steps:
        return "No record of the steps (`bench/out/steps.tsv`)."
    def result(status):
        return {"0": "ok", "124": "out of time", "137": "out of time, killed", "skipped": "skipped: no time left",
                "skipped-root": "skipped: needs root"}.get(
            status, f"exit {status}")
    rows = [[s["name"], result(s["status"]), format_value(s["seconds"], "s"), f"`{s['command']}`"] for s in steps]
    return _table(["step", "result", "took", "command"], rows)


def render(inputs, plots=(), soak_plots=()):
    out = ["# Tollgate benchmark report", ""]
    out.append("Written by `make bench` (`bench/run.sh`, `bench/report.py`); the raw output is in "
               "`bench/out/` on the machine that ran it. Targets are the ones the issues name "
               "(issue number in brackets); a figure without a target is reported for reference.")
    out += ["", "## Machine", "", machine_section(inputs.machine)]
    out += ["", "## Key figures: the attack lab", "", lab_section(inputs, plots)]
    out += ["", "## Key figures: the hostile soak", "", soak_section(inputs, soak_plots)]
    out += ["", "## Components"]
    for title, sources, figures in COMPONENTS:
        out += ["", f"### {title}", "", f"From {sources}.", "",
                _table(["figure", "value", "target", ""], figure_rows(figures, inputs))]
    for name in sorted(inputs.flat):
        if name in SEEN_FLAT:
            continue
        out += ["", f"### {name}", "", f"From `bench/out/{name}.json`.", "", flat_section(name, inputs.flat[name])]
    misses = [(title, f.label) for title, _, figures in COMPONENTS for f in figures
              if f.target and _is_number(f.value(inputs)) and not f.target.met(f.value(inputs))]
    out += ["", "## Summary", ""]
    checked = [(f, f.value(inputs)) for _, _, figures in COMPONENTS for f in figures if f.target]
    measured = sum(1 for _, v in checked if _is_number(v))
    out.append(f"{measured} of {len(checked)} component targets measured, {len(misses)} missed"
               + (": " + "; ".join(f"{t}: {label}" for t, label in misses) if misses else "") + ".")
    if inputs.errors:
        out += ["", "Unreadable inputs:", ""] + [f"- {e}" for e in inputs.errors]
    out += ["", "## Steps of the run", "", steps_section(inputs.steps)]
    out += ["", "## Every Google Benchmark row", "", all_benchmarks_section(inputs)]
    for name in sorted(SEEN_FLAT & set(inputs.flat)):
        out += ["", f"## Every figure of {name}", "", flat_section(name, inputs.flat[name])]
    out.append("")
    return "\n".join(out)


# --- Plots --------------------------------------------------------------------------------

PLOTS = [
    ("attack_packets.png", "Attack packets per second: offered and dropped in the kernel (top), reaching the switch (bottom)"),
    ("legit_calls.png", "Legitimate calls per second under attack: attempted and completed"),
]


def run_gnuplot(script, variables):
    """Runs a gnuplot script with `-e variables`; a failure is reported, not raised (the
    report is written without that plot)."""
    try:
        result = subprocess.run(["gnuplot", "-e", variables, script], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as err:
        print(f"report: gnuplot: {err}", file=sys.stderr)
        return
    if result.returncode != 0:
        print(f"report: gnuplot failed: {result.stderr.strip()}", file=sys.stderr)


def render_plots(series_csv, plots_dir, report_dir, gnuplot_script):
    """Runs gnuplot on the lab's time series; returns [(title, path relative to the report)]
    for the plots it made."""
    os.makedirs(plots_dir, exist_ok=True)
    outputs = [os.path.join(plots_dir, name) for name, _ in PLOTS]
    for path in outputs:
        if os.path.exists(path):
            os.remove(path)
    run_gnuplot(gnuplot_script, f"csv='{series_csv}'; packets_png='{outputs[0]}'; calls_png='{outputs[1]}'")
    return [(title, os.path.relpath(path, report_dir)) for (name, title), path in zip(PLOTS, outputs) if os.path.exists(path)]


SOAK_PLOT = ("soak.png", "Hostile soak: memory, descriptors and connections, calls in progress, the office's calls")


def render_soak_plot(series_csv, plots_dir, report_dir, gnuplot_script):
    """Plots the soak's samples with gnuplot; returns [(title, path relative to the report)]."""
    os.makedirs(plots_dir, exist_ok=True)
    output = os.path.join(plots_dir, SOAK_PLOT[0])
    if os.path.exists(output):
        os.remove(output)
    try:
        rows = soak_plot_rows(_read(series_csv))
    except ValueError as err:
        print(f"report: {series_csv}: {err}", file=sys.stderr)
        return []
    # The derived series goes to a temporary file: the output folder may be read-only.
    with tempfile.NamedTemporaryFile("w", suffix=".csv", newline="") as derived:
        w = csv.writer(derived)
        w.writerow(SOAK_PLOT_HEADER)
        w.writerows([["NaN" if isinstance(v, float) and math.isnan(v) else v for v in row] for row in rows])
        derived.flush()
        run_gnuplot(gnuplot_script, f"csv='{derived.name}'; png='{output}'")
    return [(SOAK_PLOT[1], os.path.relpath(output, report_dir))] if os.path.exists(output) else []


def main(argv):
    if len(argv) >= 3 and argv[1] == "machine":
        json.dump(collect_machine(argv[2], quick="--quick" in argv[3:]), sys.stdout, indent=2)
        print()
        return 0
    if len(argv) >= 4 and argv[1] == "render":
        out_dir, report = argv[2], argv[3]
        plots_dir = argv[argv.index("--plots-dir") + 1] if "--plots-dir" in argv else os.path.join(os.path.dirname(report) or ".", "plots")
        inputs = Inputs(out_dir)
        plots = []
        if inputs.timeseries:
            here = os.path.dirname(os.path.abspath(__file__))
            plots = render_plots(os.path.join(out_dir, "lab", "timeseries.csv"), plots_dir,
                                 os.path.dirname(os.path.abspath(report)), os.path.join(here, "attack.gp"))
        soak_plots = []
        soak_series = os.path.join(out_dir, "soak", "timeseries.csv")
        if os.path.exists(soak_series):
            here = os.path.dirname(os.path.abspath(__file__))
            soak_plots = render_soak_plot(soak_series, plots_dir, os.path.dirname(os.path.abspath(report)),
                                          os.path.join(here, "soak", "soak.gp"))
        with open(report, "w", encoding="utf-8") as f:
            f.write(render(inputs, plots, soak_plots))
        for error in inputs.errors:
            print(f"report: {error}", file=sys.stderr)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
