"""Turns bench/run's measurements into bench/results.md (a table) and bench/results.json."""

import json
import pathlib
import platform
import statistics
import sys

work, binary_size, cold_build, budget = pathlib.Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
md_path, json_path = sys.argv[5], sys.argv[6]
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
           "binary_budget_bytes": budget, "cold_release_build_seconds": cold_build,
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
    "`cached-mfa-role` and `chain-3-hops` count every role session as ending (`role-cache-margin: 43200`), so",
    "both tools assume each role; `cached-role-rerun` is the everyday case: ours reuses the fresh session.",
    "`login-cached-export` reads a fresh `aws login` session from the AWS CLI's cache; `keychain-export` compares",
    "keys read from the Secret Service (ours) with the same export from the credentials file (theirs column).",
    "`serve-exec` compares `export --serve --exec true` (a renewing endpoint for the command) with plain `--exec true`",
    "(theirs column). `saml-cached-role` (a SAML profile naming its role, the role session cached) and",
    "`saml-no-role-named` (no role named: the role its sign-in gave last) compare with a cached role's",
    "export (theirs column). `concurrent-30-cold-role`: 30 processes at once, no terminal, a role nobody assumed yet (the",
    "role cache emptied each round): `awsume export --format process` against the AWS CLI v1's `aws sts",
    "get-caller-identity`; wall time of the whole round, and STS calls of one round. `eks-token-cached`: kubectl's",
    "exec plugin, awsume's kept token against the AWS CLI v1's `aws eks get-token` (which signs anew each call).",
    "",
    "| scenario | ours | theirs | ratio | STS calls | peak RSS |",
    "|---|---|---|---|---|---|",
]
for r in rows:
    c = "-" if r["sts_calls"] is None else " / ".join(map(str, r["sts_calls"]))
    m = "-" if r["peak_rss_kb"] is None else " / ".join(map(str, r["peak_rss_kb"]))
    ratio = "-" if r["ratio"] is None else f"{r['ratio']}×"
    lines.append(f"| {r['scenario']} | {cell(r['ours_ms'])} | {cell(r['theirs_ms'])} | {ratio} | {c} | {m} |")
lines += ["", f"Release binary: {binary_size / 1e6:.2f} MB (budget {budget / 1e6:.2f} MB, enforced by bench/run); "
          f"cold release build: {cold_build // 60} m {cold_build % 60:02d} s on this machine.",
          "Before the one HTTP/TLS stack (commit 7238e8a, two hyper/rustls stacks, aws-lc-rs), measured the same way on",
          "the same machine: 9.56 MB, cold release build 4 m 33 s.", "",
          "Instructions executed (valgrind callgrind, steady across runs):", ""]
lines += [f"- {k}: {v:,}" for k, v in instructions.items()]
pathlib.Path(md_path).write_text("\n".join(lines) + "\n")
