"""A small call and start-up, ec2ops now and as of an older commit, beside the AWS CLI, paired in one
run (issue 26: enumerate-regions against a local moto at least 4x faster than
`aws ec2 describe-regions`; `ec2ops --help` within 30 ms of `python -c pass`). Prints its figures;
writes nothing.

    python benchmarks/small.py --before 3df4faf          # ~2 minutes; --runs N (default 9)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import harness  # noqa: E402 - benchmarks/harness.py: a module beside this script, not a package


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--now", default="HEAD", metavar="REV", help="the commit timed as now (default HEAD)")
    parser.add_argument("--before", required=True, metavar="REV", help="the commit timed as before")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="ec2ops-small-"))
    env = harness.clean_env(scratch)
    aws, ec2ops = harness.ensure_awscli(None), harness.ec2ops_script()
    envs = {}
    for who, rev in (("now", args.now), ("before", args.before)):
        (scratch / who).mkdir()
        envs[who], commit, _ = harness.ec2ops_code(env, rev, scratch / who)
        print(f"{who}: commit {commit[:12]} ({rev})")
    port = harness.free_port()
    moto = harness.start_moto(port)
    url = f"http://127.0.0.1:{port}"
    listed = harness.contains("us-east-1")
    cases = [harness.Case("python -c pass", [sys.executable, "-c", "pass"], envs["now"])]
    for who in ("now", "before"):
        cases += [harness.Case(f"--help, {who}", [ec2ops, "--help"], envs[who], harness.contains("describe-instances")),
                  harness.Case(f"enumerate-regions, {who}", [ec2ops, "enumerate-regions"],
                               {**envs[who], "EC2OPS_ENDPOINT": url}, listed)]
    cases.append(harness.Case("aws ec2 describe-regions", [aws, "--endpoint-url", url, "ec2", "describe-regions",
                                                           "--output", "text"], env, listed))
    load = os.getloadavg()
    try:
        harness.run_cases(cases, args.runs, 1, scratch, "small")
    finally:
        moto.kill()
    c = {case.key: case for case in cases}

    def paired(a: str, b: str, what) -> float:
        return statistics.median(what(x, y) for x, y in zip(c[a].samples, c[b].samples))

    print(f"load before {load}, after {os.getloadavg()}; medians of {args.runs} rounds (min), CPU, peak RSS")
    for key, case in c.items():
        print(f"  {key}: {harness.wall_cell(case.samples)}, CPU {harness.fmt_ms(harness.median_cpu(case.samples))}, "
              f"{harness.median_rss(case.samples):.1f} MiB")
    for who in ("now", "before"):
        ratio = paired("aws ec2 describe-regions", f"enumerate-regions, {who}", lambda a, o: a.wall / o.wall)
        cpu = paired("aws ec2 describe-regions", f"enumerate-regions, {who}", lambda a, o: a.cpu / o.cpu)
        over = paired(f"--help, {who}", "python -c pass", lambda h, p: h.wall - p.wall)
        print(f"{who}: AWS CLI / ec2ops, enumerate-regions: {ratio:.2f}x (paired; CPU {cpu:.2f}x); "
              f"--help - python -c pass: {over * 1000:.0f} ms (paired)")


if __name__ == "__main__":
    main()
