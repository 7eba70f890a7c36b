"""Turns bench/run's measurements into bench/results.md (a table) and bench/results.json."""

import json
import pathlib
import platform
import statistics
import sys

work, binary_size, md_path, json_path = pathlib.Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
calls = json.loads((work / "calls.json").read_text())
rss = json.loads((work / "rss.json").read_text())
instructions = json.loads((work / "instructions.json").read_text())

rows = []
for path in sorted((work / "json").glob("*.json"), key=lambda p: p.stat().st_mtime):
    results = json.loads(path.read_text())["results"]
    ms = [{k: r[k] * 1000 for k in ("median", "min", "max")} for r in results]
    row = {"scenario": path.stem, "ours_ms": ms[0], "theirs_ms": ms[1] if len(ms) > 1 else None}
    row["ratio"] = round(ms[1]["median"] / ms[0]["median"], 1) if len(ms) > 1 else None
    row["sts_calls"] = calls.get(path.stem)
    row["peak_rss_kb"] = rss.get(path.stem)
    rows.append(row)

summary = {"machine": f"{platform.machine()}, {platform.system()}", "binary_bytes": binary_size,
           "scenarios": rows, "instructions": instructions}
pathlib.Path(json_path).write_text(json.dumps(summary, indent=2) + "\n")

def cell(t):
    return "-" if t is None else f"{t['median']:.1f} ({t['min']:.1f}–{t['max']:.1f})"

lines = [
    "# awsume vs the Python tools",
    "",
    "Written by `bench/run`; times in ms: median (min–max) over ≥ 20 runs with hyperfine; ratio = theirs / ours.",
    "Shell scenarios run `bash --norc` with the function loaded (ours) or `. awsume` (Python awsume 4.5.4);",
    "`export-json` compares with aws-export-credentials 0.18.0. STS calls and peak RSS (KiB) are ours / theirs.",
    "",
    "| scenario | ours | theirs | ratio | STS calls | peak RSS |",
    "|---|---|---|---|---|---|",
]
for r in rows:
    c = "-" if r["sts_calls"] is None else " / ".join(map(str, r["sts_calls"]))
    m = "-" if r["peak_rss_kb"] is None else " / ".join(map(str, r["peak_rss_kb"]))
    ratio = "-" if r["ratio"] is None else f"{r['ratio']}×"
    lines.append(f"| {r['scenario']} | {cell(r['ours_ms'])} | {cell(r['theirs_ms'])} | {ratio} | {c} | {m} |")
lines += ["", f"Release binary: {binary_size / 1e6:.1f} MB.", "",
          "Instructions executed (valgrind callgrind, steady across runs):", ""]
lines += [f"- {k}: {v:,}" for k, v in instructions.items()]
pathlib.Path(md_path).write_text("\n".join(lines) + "\n")
