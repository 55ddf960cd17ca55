#!/usr/bin/env python3
"""Unit tests of bench/report.py against the sample run in tests/bench/fixtures/out/."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.path.join(HERE, "fixtures", "out")
sys.path.insert(0, os.path.join(ROOT, "bench"))

import report  # noqa: E402


def fixture(name):
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as f:
        return f.read()


def row_of(markdown, label):
    """The table row of the report whose first cell is label, as a list of cells."""
    for line in markdown.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells and cells[0] == label:
            return cells
    raise AssertionError(f"no row {label!r} in the report")


class MachineTest(unittest.TestCase):
    def test_cpuinfo_gives_the_first_model_and_counts_processors(self):
        text = ("processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags\t\t: fpu\n\n"
                "processor\t: 1\nmodel name\t: AMD EPYC 7B13\n")
        self.assertEqual(report.parse_cpuinfo(text), ("AMD EPYC 7B13", 2))

    def test_meminfo_total_in_bytes(self):
        self.assertEqual(report.parse_meminfo("MemTotal:       24576000 kB\nMemFree: 1 kB\n"), 24576000 * 1024)
        self.assertIsNone(report.parse_meminfo("MemFree: 1 kB\n"))

    def test_os_release_pretty_name(self):
        text = 'NAME="Debian GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nVERSION_ID="12"\n'
        self.assertEqual(report.parse_os_release(text), "Debian GNU/Linux 12 (bookworm)")

    def test_cmake_cache_entries(self):
        text = ("# This is the CMakeCache file.\n//Choose the type of build\nCMAKE_BUILD_TYPE:STRING=RelWithDebInfo\n"
                "CMAKE_CXX_COMPILER:FILEPATH=/usr/bin/c++\nEMPTY:STRING=\n")
        cache = report.parse_cmake_cache(text)
        self.assertEqual(cache["CMAKE_BUILD_TYPE"], "RelWithDebInfo")
        self.assertEqual(cache["CMAKE_CXX_COMPILER"], "/usr/bin/c++")
        self.assertEqual(cache["EMPTY"], "")

    def test_build_type_from_the_cache_or_the_project_default_with_the_flags(self):
        commands = json.dumps([{"command": "/usr/bin/c++ -I/src -O2 -g -DNDEBUG -Wall -o x.o -c x.cpp"}])
        self.assertEqual(report.build_type({"CMAKE_BUILD_TYPE": "Release"}, "", ""), "Release")
        self.assertEqual(report.build_type({"CMAKE_BUILD_TYPE": ""}, "  set(CMAKE_BUILD_TYPE RelWithDebInfo)\n", commands),
                         "RelWithDebInfo (project default): -O2 -g -DNDEBUG")
        self.assertEqual(report.build_type({}, "", "not json"), None)

    def test_collect_machine_reads_this_machine_and_the_build(self):
        with tempfile.TemporaryDirectory() as build:
            with open(os.path.join(build, "CMakeCache.txt"), "w") as f:
                f.write("CMAKE_BUILD_TYPE:STRING=Release\n")
            machine = report.collect_machine(build)
            quick = report.collect_machine(build, quick=True)
        self.assertEqual(machine["run"], "full")
        self.assertTrue(quick["run"].startswith("quick"))
        self.assertEqual(machine["build_type"], "Release")
        self.assertGreaterEqual(machine["cores"], 1)
        self.assertGreater(machine["memory_bytes"], 0)
        self.assertRegex(machine["date"], r"^\d{4}-\d\d-\d\d \d\d:\d\d UTC$")
        json.dumps(machine)  # what `report.py machine` writes


class GoogleBenchmarkTest(unittest.TestCase):
    def setUp(self):
        self.rows = report.parse_google_benchmark(json.loads(fixture("netfilter_elements_bench.json")))

    def test_times_are_seconds_whatever_the_unit(self):
        bulk = self.rows[0]
        self.assertAlmostEqual(bulk["seconds"], 3.4)
        self.assertAlmostEqual(bulk["cpu_seconds"], 1.2)
        self.assertAlmostEqual(bulk["items_per_second"], 2.9e5)
        self.assertIsNone(bulk["aggregate"])

    def test_aggregates_are_named(self):
        self.assertEqual([r["aggregate"] for r in self.rows[1:4]], ["mean", "p50", "p99"])
        self.assertAlmostEqual(self.rows[3]["seconds"], 9.5e-6)

    def test_errors_are_kept(self):
        self.assertEqual(self.rows[4]["error"], "netlink: operation not permitted")

    def test_counters_are_collected(self):
        rows = report.parse_google_benchmark(json.loads(fixture("policy_bench.json")))
        self.assertEqual(rows[0]["counters"]["heap_bytes_per_source"], 128)
        self.assertNotIn("iterations", rows[0]["counters"])
        self.assertNotIn("items_per_second", rows[0]["counters"])

    def test_lookup_by_run_name_prefix_and_aggregate(self):
        inputs = report.Inputs(FIXTURES)
        self.assertAlmostEqual(inputs.benchmark("netfilter_elements_bench", "single_add", "seconds", "p99"), 9.5e-6)
        self.assertAlmostEqual(inputs.benchmark("netfilter_elements_bench", "single_add", "seconds", "p50"), 6.4e-6)
        self.assertAlmostEqual(inputs.benchmark("policy_bench", "BM_reports_with_1M_sources", "items_per_second"), 5.9e6)
        # a prefix must end at a "/": bulk_add does not match bulk_add_v6
        self.assertAlmostEqual(inputs.benchmark("netfilter_elements_bench", "bulk_add", "seconds"), 3.4)
        # rows with errors give nothing
        self.assertIsNone(inputs.benchmark("netfilter_elements_bench", "bulk_add_v6", "seconds"))
        self.assertIsNone(inputs.benchmark("no_such_bench", "x", "seconds"))


class AgentCoreTest(unittest.TestCase):
    def test_lines_become_figures(self):
        figures = report.parse_agent_core(fixture("agent_core_bench.txt"))
        self.assertEqual(figures["reports_with_new_blocks_per_s"], 91234)
        self.assertEqual(figures["rss_with_100k_blocks_mib"], 18.2)
        self.assertEqual(figures["report_to_kernel_ack_us_p50"], 16)
        self.assertEqual(figures["report_to_kernel_ack_us_p99"], 64)
        self.assertEqual(figures["report_to_kernel_ack_us_max"], 250)
        self.assertEqual(figures["report_to_db_commit_us_p99"], 1900)
        self.assertEqual(figures["restart_to_serving_s"], 6.25)

    def test_other_lines_are_ignored(self):
        text = "start: netlink: operation not permitted\n[2026-11-26 10:00:00] [warn] slow\n\nbare\n"
        self.assertEqual(report.parse_agent_core(text), {})


class FlatFiguresTest(unittest.TestCase):
    def test_numbers_strings_and_one_level_of_numbers(self):
        document = {"a": 1, "b": 2.5, "c": "UDP", "d": None, "e": True,
                    "per_kind": {"svcrack": 10, "svwar": 5, "register_flood": None}}
        self.assertIs(report.parse_flat_figures(document), document)

    def test_deeper_objects_lists_and_non_objects_are_refused(self):
        for document in ({"a": {"b": {"c": 1}}}, {"a": [1, 2]}, {"a": {"b": "x"}}, [1, 2], 3):
            with self.subTest(document=document):
                with self.assertRaises(ValueError):
                    report.parse_flat_figures(document)

    def test_units_from_the_names(self):
        self.assertEqual(report.flat_unit("calls_per_s"), "/s")
        self.assertEqual(report.flat_unit("cpu_switch_s"), "s")
        self.assertEqual(report.flat_unit("rss_after_mb"), "MB")
        self.assertEqual(report.flat_unit("bindings"), "")


class TimeseriesTest(unittest.TestCase):
    def test_rows_by_column(self):
        rows = report.parse_timeseries(fixture("lab/timeseries.csv"))
        self.assertEqual(len(rows), 4)
        self.assertEqual(rows[2]["attack_dropped_kernel"], 1990)
        self.assertEqual(rows[2]["legit_calls_completed"], 4)

    def test_header_must_be_exact(self):
        with self.assertRaisesRegex(ValueError, "header"):
            report.parse_timeseries("t,attack_offered\n0,1\n")
        with self.assertRaisesRegex(ValueError, "header"):
            report.parse_timeseries("")

    def test_bad_lines_are_refused_with_their_number(self):
        header = ",".join(report.TIMESERIES_HEADER)
        with self.assertRaisesRegex(ValueError, "line 3"):
            report.parse_timeseries(f"{header}\n0,1,1,0,1,1\n1,2,x,0,1,1\n")
        with self.assertRaisesRegex(ValueError, "line 2"):
            report.parse_timeseries(f"{header}\n0,1,1\n")


class FormatTest(unittest.TestCase):
    def test_numbers(self):
        self.assertEqual(report.format_value(5900000.0, "/s"), "5,900,000 /s")
        self.assertEqual(report.format_value(128.4, "B"), "128 B")
        self.assertEqual(report.format_value(10.0), "10")
        self.assertEqual(report.format_value(12.34, "s"), "12.3 s")
        self.assertEqual(report.format_value(0.0123, "s"), "0.0123 s")
        self.assertEqual(report.format_value(99.5, "%"), "99.5 %")
        self.assertEqual(report.format_value(None), "—")
        self.assertEqual(report.format_value(True), "yes")

    def test_durations(self):
        self.assertEqual(report.format_seconds(3.4), "3.4 s")
        self.assertEqual(report.format_seconds(9.5e-6), "9.5 µs")
        self.assertEqual(report.format_seconds(2.5e-8), "25 ns")

    def test_targets(self):
        self.assertTrue(report.Target(">=", 2e6, "#2").met(2e6))
        self.assertFalse(report.Target(">", 2e6, "#2").met(2e6))
        self.assertTrue(report.Target("<", 3, "#3").met(2.9))
        self.assertFalse(report.Target("<=", 150, "#2").met(151))
        self.assertEqual(report.Target("<=", 150, "#2").text("B"), "≤ 150 B (#2)")


class RenderTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.inputs = report.Inputs(FIXTURES)
        cls.text = report.render(cls.inputs, [("Attack packets", "plots/attack_packets.png")])

    def test_machine(self):
        self.assertEqual(row_of(self.text, "CPU")[1], "Intel(R) Xeon(R) CPU @ 2.20GHz")
        self.assertEqual(row_of(self.text, "memory")[1], "23.5 GiB")
        self.assertEqual(row_of(self.text, "git commit")[1], "52b49ce0a1b2 on benchreport")
        self.assertEqual(row_of(self.text, "build type")[1], "RelWithDebInfo")
        self.assertEqual(row_of(self.text, "run")[1], "full")

    def test_key_figures_come_first(self):
        self.assertLess(self.text.index("## Key figures"), self.text.index("## Components"))
        self.assertEqual(row_of(self.text, "attempts before the kernel block: svcrack")[1], "10")
        self.assertEqual(row_of(self.text, "attempts before the kernel block: register_flood")[1], "never blocked")
        self.assertEqual(row_of(self.text, "attack_packets_reached_switch_by_kind")[1], "svcrack: 40, svwar: 0")
        self.assertEqual(row_of(self.text, "office_sipp_exit_code")[1], "0")
        self.assertEqual(row_of(self.text, "triggering failure to kernel block, p50")[1], "0.8 ms")
        self.assertEqual(row_of(self.text, "CPU, tollgate-agent")[1], "0.7 s (1.16 % of one core)")
        rate = row_of(self.text, "legitimate call success rate under attack")
        self.assertEqual(rate[1], "99.5 %")
        self.assertEqual(rate[3], "**miss**")
        self.assertIn("![Attack packets](plots/attack_packets.png)", self.text)

    def test_pass_miss_and_not_measured(self):
        self.assertEqual(row_of(self.text, "reports/s, 1M tracked sources, one core")[1:], [
            "5,900,000 /s", "≥ 2,000,000 /s (#2)", "**pass**"])
        self.assertEqual(row_of(self.text, "1M IPv4 elements added in bulk")[3], "**miss**")
        self.assertEqual(row_of(self.text, "single add, call to ACK, p99")[1:], ["9.5 µs", "< 1,000 µs (#3)", "**pass**"])
        self.assertEqual(row_of(self.text, "restart to serving, 1M stored blocks")[3], "**miss**")
        self.assertEqual(row_of(self.text, "RSS with 100k blocks")[1], "19.1 MB")
        self.assertEqual(row_of(self.text, "parses/s, 600-byte REGISTER, validated")[1:], [
            "not measured", "≥ 1,000,000 /s (#4)", "not measured"])

    def test_call_benchmarks_in_the_switch_table(self):
        self.assertEqual(row_of(self.text, "calls/s offered through the B2BUA with ≥ 99.9 % completed (highest step)")[1:],
                         ["1,000 /s", "≥ 1,000 /s (#7)", "**pass**"])
        self.assertEqual(row_of(self.text, "calls/s completed in that step (over its wall time)")[1], "998 /s")
        self.assertEqual(
            row_of(self.text, "illegal INVITEs answered 403 and recorded/s, ≥ 99.9 % answered (CDR rows/s)")[1:], [
                "26,000 /s", "≥ 20,000 /s (#7)", "**pass**"])
        self.assertEqual(row_of(self.text, "REGISTER exchanges/s with digest, SIPp against tollgate-switch")[1], "17,270 /s")
        self.assertNotIn("### register_load", self.text)
        self.assertNotIn("### call_load", self.text)

    def test_other_flat_figures_get_a_table_of_their_own_without_targets(self):
        section = self.text[self.text.index("### soak"):]
        self.assertEqual(row_of(section, "calls_per_s"), ["calls_per_s", "850 /s"])
        self.assertEqual(row_of(section, "note"), ["note", "UDP, loopback"])

    def test_every_figure_of_the_load_scripts_in_the_appendix(self):
        appendix = self.text[self.text.index("## Every figure of register_load"):]
        self.assertEqual(row_of(appendix, "rss_before_mb")[1], "120 MB")
        self.assertEqual(row_of(appendix, "sipp_exit")[1], "0")
        calls = self.text[self.text.index("## Every figure of call_load"):]
        self.assertEqual(row_of(calls, "rate_2000_cps")[1], "1,850")

    def test_summary_counts_and_unreadable_inputs(self):
        self.assertIn("11 of 14 component targets measured, 3 missed", self.text)
        self.assertIn("broken.json: nested.too", self.text)

    def test_steps(self):
        self.assertEqual(row_of(self.text, "scanner_flood")[1:3], ["exit 1", "40 s"])
        self.assertEqual(row_of(self.text, "policy_bench")[1], "ok")
        self.assertEqual(row_of(self.text, "attack_run")[1], "out of time")
        self.assertEqual(row_of(self.text, "register_load")[1], "skipped: no time left")
        self.assertEqual(row_of(self.text, "lab_as_user")[1], "skipped: needs root")

    def test_without_the_lab_the_report_says_so(self):
        with tempfile.TemporaryDirectory() as out:
            shutil.copy(os.path.join(FIXTURES, "policy_bench.json"), out)
            text = report.render(report.Inputs(out))
        self.assertIn("The lab's attack run was not available", text)
        self.assertNotIn("![", text)
        self.assertIn("No record of the steps", text)
        # a time series without the figures is still plotted
        with tempfile.TemporaryDirectory() as out:
            text = report.render(report.Inputs(out), [("Calls", "plots/legit_calls.png")])
        self.assertIn("The lab's attack run was not available", text)
        self.assertIn("![Calls](plots/legit_calls.png)", text)
        self.assertEqual(row_of(text, "CPU")[1], "unknown")

    def test_a_lab_rate_given_in_percent_is_not_scaled_again(self):
        with tempfile.TemporaryDirectory() as out:
            os.mkdir(os.path.join(out, "lab"))
            with open(os.path.join(out, "lab", "figures.json"), "w") as f:
                json.dump({"attempts_before_block": 3, "legit_call_success_rate": 100}, f)
            text = report.render(report.Inputs(out))
        self.assertEqual(row_of(text, "legitimate call success rate under attack")[1:], [
            "100 %", "≥ 100 % (#7, #10: every legitimate call completes)", "**pass**"])
        self.assertEqual(row_of(text, "attempts before the kernel block")[1], "3")
        self.assertIn("No time series", text)


class SoakTest(unittest.TestCase):
    def test_plot_rows_give_rates_between_samples_and_mark_the_full_disk(self):
        rows = report.soak_plot_rows(fixture(os.path.join("soak", "timeseries.csv")))
        self.assertEqual(len(rows), 5)
        t, switch_mb = rows[1][0], rows[1][1]
        self.assertEqual(t, 5.0)
        self.assertAlmostEqual(switch_mb, 12000 / 1024)
        self.assertEqual(rows[1][7:], [4.0, 0.0, 0.0])  # 20 completed, 0 failed in 5 s
        self.assertEqual(rows[2][9], 1.0)
        # A sample the switch did not answer keeps the office's calls; its own columns are NaN.
        self.assertTrue(all(v != v for v in (rows[3][1], rows[3][3], rows[3][6])))
        self.assertEqual(rows[3][7:9], [16 / 5, 2 / 5])
        self.assertTrue(all(v != v for v in rows[0][7:9]))

    def test_a_series_without_time_is_refused(self):
        with self.assertRaises(ValueError):
            report.soak_plot_rows("phase,switch_rss_kb\nflood,1\n")

    def test_the_report_has_the_soak_figures_and_says_when_it_did_not_run(self):
        text = report.render(report.Inputs(FIXTURES), [], [("Hostile soak", "plots/soak.png")])
        self.assertLess(text.index("## Key figures: the hostile soak"), text.index("## Components"))
        self.assertEqual(row_of(text, "legit_call_success_rate_full_disk")[1], "0.933")
        self.assertIn("(plots/soak.png)", text)
        with tempfile.TemporaryDirectory() as empty:
            self.assertIn("hostile soak was not available", report.render(report.Inputs(empty)))


class PlotTest(unittest.TestCase):
    def test_render_writes_the_report_and_both_plots(self):
        with tempfile.TemporaryDirectory() as work:
            md = os.path.join(work, "report.md")
            result = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "report.py"), "render", FIXTURES, md,
                                     "--plots-dir", os.path.join(work, "plots")], capture_output=True, text=True)
            self.assertEqual(result.returncode, 0, result.stderr)
            with open(md, encoding="utf-8") as f:
                text = f.read()
            for name in ("attack_packets.png", "legit_calls.png", "soak.png"):
                with open(os.path.join(work, "plots", name), "rb") as f:
                    self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
                self.assertIn(f"(plots/{name})", text)


if __name__ == "__main__":
    unittest.main()
