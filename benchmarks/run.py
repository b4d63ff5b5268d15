"""ec2ops against the AWS CLI, side by side, on one moto server: writes benchmarks/RESULTS.md.

    python benchmarks/run.py                 # ~12 minutes; --runs 3 for a quick look
    python benchmarks/run.py --help

Run it with the Python of ec2ops's development environment (pip install -e '.[test]': it has
moto[server]). The AWS CLI is a benchmark-only tool, never a dependency of ec2ops: the first run
creates benchmarks/.venv-awscli (git-ignored) and installs `awscli` from PyPI into it; --aws PATH
uses another `aws` instead.

What it does:
1. starts moto's server on 127.0.0.1 (MOTO_EC2_LOAD_DEFAULT_AMIS=false) in a child process, and
   fills it with ec2ops's own client: 2,000 instances in 20 reservations, 1,000 volumes, 1,000
   snapshots, and a few key pairs, addresses and security groups;
2. times each command in a fresh child process: wall time (time.perf_counter around it) and peak
   RSS (os.wait4's rusage of that child, children included: `aws ec2 help` runs groff; the child is
   forked by a small launcher, since Linux counts the forking process's peak into the child's),
   after a warm-up run, interleaving ec2ops and the AWS CLI so that a burst of load hits both;
3. does it twice: against moto itself ("direct"), where moto's own time to build a large answer
   (seconds for 2,000 instances) is in both tools' numbers, and against a replay cache in front of
   the same server ("replay": each distinct Describe query is answered from moto once, then from
   memory), which leaves what the two clients themselves cost;
4. writes medians, ratios and the issue's targets, with the machine and its load, to RESULTS.md.

Both tools get the same clean environment: credentials from the environment, no ~/.aws or ec2ops
configuration file, bytecode caches as an installed package has them, pagers set to cat.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from harness import (HEADER, KEY_ID, REGION, SECRET, Case, Replay, Sample, contains, ensure_awscli,  # noqa: E402
                     fmt_ms, free_port, lines_starting, machine, median_rss, median_wall, row, run_cases, start_moto,
                     clean_env, compile_package, load_line, other_sections)


# -- filling moto, and moto's own time per answer ---------------------------------------------------
def ec2ops_client(url: str):
    from ec2ops.client.query import Client, Settings
    from ec2ops.client.signing import Credentials

    return Client(Settings(credentials=Credentials(KEY_ID, SECRET), endpoint=url + "/", region=REGION,
                           read_timeout=600))


def fill(url: str, instances: int, reservations: int, volumes: int, snapshots: int) -> None:
    client = ec2ops_client(url)
    started = time.monotonic()
    per = instances // reservations
    with ThreadPoolExecutor(4) as pool:
        launches = [pool.submit(client.call, "RunInstances", {"ImageId": "ami-12345678", "MinCount": per,
                                                              "MaxCount": per, "InstanceType": "t3.micro"})
                    for _ in range(reservations)]
        for future in launches:
            future.result()

        def volume(_):
            body = client.call("CreateVolume", {"AvailabilityZone": f"{REGION}a", "Size": "1"}).body
            return body["volumeId"]

        ids = list(pool.map(volume, range(volumes)))
        list(pool.map(lambda i: client.call("CreateSnapshot", {"VolumeId": ids[i % len(ids)]}), range(snapshots)))
        for i in range(5):
            client.call("CreateKeyPair", {"KeyName": f"bench-{i}"})
            client.call("AllocateAddress", {"Domain": "vpc"})
            client.call("CreateSecurityGroup", {"GroupName": f"bench-{i}", "GroupDescription": "benchmark"})
    client.close()
    print(f"filled in {time.monotonic() - started:.0f} s: {instances} instances in {reservations} reservations, "
          f"{volumes} volumes, {snapshots} snapshots", flush=True)


def server_times(url: str, queries: dict[str, dict], repeat: int = 3) -> dict[str, float]:
    """moto's own time per Describe: a signed request, the whole answer read, nothing parsed."""
    from ec2ops.client.signing import Credentials, sign_v4
    import datetime as dt

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
    times = {}
    for name, params in queries.items():
        samples = []
        for _ in range(repeat):
            headers, body = sign_v4(url + "/", {"Version": "2016-11-15", **params}, Credentials(KEY_ID, SECRET),
                                    REGION, dt.datetime.now(dt.timezone.utc))
            started = time.perf_counter()
            connection.request("POST", "/", body=body, headers=headers)
            answer = connection.getresponse()
            size = len(answer.read())
            samples.append(time.perf_counter() - started)
        times[name] = (statistics.median(samples), size)
    connection.close()
    return times


# -- the cases -----------------------------------------------------------------------------------
# The dashboard's six Describe calls: (name, ec2ops command, aws command).
SIX = [
    ("instances", ["describe-instances"], ["describe-instances"]),
    ("volumes", ["describe-volumes"], ["describe-volumes"]),
    ("snapshots", ["describe-snapshots", "--snapshot-owners", "self"], ["describe-snapshots", "--owner-ids", "self"]),
    ("addresses", ["enumerate-elastic-ips"], ["describe-addresses"]),
    ("key pairs", ["enumerate-key-pairs"], ["describe-key-pairs"]),
    ("security groups", ["describe-security-groups"], ["describe-security-groups"]),
]


def server_cases(ec2ops: str, aws: str, url: str, env: dict, n: int) -> list[Case]:
    ours = {**env, "EC2OPS_ENDPOINT": url}
    theirs = {**env}
    cases = [
        Case("ec2ops enumerate-regions", [ec2ops, "enumerate-regions"], ours, contains("us-east-1,")),
        Case("aws ec2 describe-regions", [aws, "--endpoint-url", url, "ec2", "describe-regions", "--output", "text"],
             theirs, contains("us-east-1")),
        Case("ec2ops ec2-dashboard", [ec2ops, "ec2-dashboard", "--notify-method", "None"], ours,
             contains(f"instancesRunning: {n}")),
    ]
    for name, our_args, their_args in SIX:
        check_ours = lines_starting("i-", n) if name == "instances" else None
        check_theirs = lines_starting("INSTANCES", n) if name == "instances" else None
        cases.append(Case(f"ec2ops {' '.join(our_args)}", [ec2ops, *our_args], ours, check_ours))
        cases.append(Case(f"aws ec2 {' '.join(their_args)}", [aws, "--endpoint-url", url, "ec2", *their_args,
                                                               "--output", "text"], theirs, check_theirs))
    return cases


# -- the report ----------------------------------------------------------------------------------
def six_sums(cases: dict[str, Case], tool: str) -> list[Sample]:
    """Per round: the six single calls one after another (wall times added, the largest peak RSS)."""
    keys = [f"ec2ops {' '.join(o)}" if tool == "ec2ops" else f"aws ec2 {' '.join(a)}" for _, o, a in SIX]
    rounds = zip(*(cases[k].samples for k in keys))
    return [Sample(sum(s.wall for s in r), max(s.rss for s in r)) for r in rounds]


def server_table(cases: dict[str, Case]) -> list[str]:
    c = cases
    lines = [HEADER,
             row("`enumerate-regions`", c["ec2ops enumerate-regions"].samples, c["aws ec2 describe-regions"].samples,
                 "`describe-regions`")]
    for name, ours, theirs in SIX:
        lines.append(row(f"`{' '.join(ours)}`", c[f"ec2ops {' '.join(ours)}"].samples,
                         c[f"aws ec2 {' '.join(theirs)}"].samples, f"`{' '.join(theirs)}`"))
    lines.append(row("`ec2-dashboard --notify-method None`", c["ec2ops ec2-dashboard"].samples,
                     six_sums(c, "aws"), "the six calls above, one after another"))
    lines.append(row("the six single commands, one after another", six_sums(c, "ec2ops"), None))
    return lines


def targets(cases: dict[str, Case], startup: dict[str, Case], times: dict, direct: bool) -> list[str]:
    """The issue's targets, met or missed, with what the numbers say about a miss."""
    c = cases
    out = []
    ours, theirs = c["ec2ops enumerate-regions"].samples, c["aws ec2 describe-regions"].samples
    speed = median_wall(theirs) / median_wall(ours)
    memory = median_rss(ours) / median_rss(theirs)
    out.append(f"- enumerate-regions >= 4x faster than `aws ec2 describe-regions`: **{speed:.1f}x**, "
               f"{'met' if speed >= 4 else 'missed'}; at most half its peak memory: **{memory:.2f}**, "
               f"{'met' if memory <= 0.5 else 'missed'}")
    ours_up, theirs_up = (median_wall(startup[k].samples) for k in ("ec2ops --version", "aws --version"))
    ours_all, theirs_all = median_wall(ours), median_wall(theirs)
    out.append(f"  - start-up is most of both: `ec2ops --version` takes {fmt_ms(ours_up)} of its {fmt_ms(ours_all)}, "
               f"`aws --version` {fmt_ms(theirs_up)} of its {fmt_ms(theirs_all)}; the rest (the call, with httpx "
               f"and its HTTP modules for ec2ops) is {fmt_ms(ours_all - ours_up)} against "
               f"{fmt_ms(theirs_all - theirs_up)}")
    ours, theirs = (median_wall(c[k].samples) for k in ("ec2ops describe-instances", "aws ec2 describe-instances"))
    out.append(f"- describe-instances (2,000 instances) >= 2x faster than `aws ... --output text`: "
               f"**{theirs / ours:.1f}x**, {'met' if theirs / ours >= 2 else 'missed'}")
    if direct:
        moto = times["DescribeInstances"][0]
        if ours > moto:
            out.append(f"  - moto's own {fmt_ms(moto)} to build the answer is in both: what each client adds to it "
                       f"is {fmt_ms(ours - moto)} for ec2ops and {fmt_ms(theirs - moto)} for the AWS CLI "
                       f"({(theirs - moto) / (ours - moto):.1f}x)")
        else:  # moto's time varies by seconds from one answer to the next: no difference can be read off
            out.append(f"  - moto's own {fmt_ms(moto)} to build the answer (measured apart, median of 3) is most "
                       f"of both, and varies more than what ec2ops adds to it: see the replay table")
    singles = {f"ec2ops {' '.join(o)}": median_wall(c[f"ec2ops {' '.join(o)}"].samples) for _, o, _ in SIX}
    slowest = max(singles, key=singles.get)
    dashboard = median_wall(c["ec2ops ec2-dashboard"].samples)
    ratio = dashboard / singles[slowest]
    out.append(f"- ec2-dashboard <= its slowest single Describe (`{slowest}`, {fmt_ms(singles[slowest])}) + 20%: "
               f"{fmt_ms(dashboard)} = **{ratio:.2f}x**, {'met' if ratio <= 1.2 else 'missed'}")
    if direct:
        large = sum(times[k][0] for k in ("DescribeInstances", "DescribeVolumes", "DescribeSnapshots"))
        out.append(f"  - the dashboard's calls run concurrently, but moto builds answers in one Python process, in "
                   f"effect one at a time (the GIL): its three large answers take {fmt_ms(large)} together against "
                   f"{fmt_ms(times['DescribeInstances'][0])} for the largest, a floor no client can go under")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="measured runs per command (default 9)")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured runs first (default 1)")
    parser.add_argument("--aws", help="an `aws` to use instead of benchmarks/.venv-awscli's")
    parser.add_argument("--instances", type=int, default=2000)
    parser.add_argument("--reservations", type=int, default=20)
    parser.add_argument("--volumes", type=int, default=1000)
    parser.add_argument("--snapshots", type=int, default=1000)
    parser.add_argument("--modes", default="direct,replay", help="direct, replay or both (default)")
    parser.add_argument("--output", default=str(HERE / "RESULTS.md"))
    args = parser.parse_args()
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]

    aws = ensure_awscli(args.aws)
    ec2ops = str(Path(sys.executable).with_name("ec2ops"))
    if not os.path.exists(ec2ops):
        ec2ops = shutil.which("ec2ops") or sys.exit("no ec2ops next to this Python nor on PATH")
    import ec2ops as package

    scratch = Path(tempfile.mkdtemp(prefix="ec2ops-bench-"))
    env = clean_env(scratch)
    compile_package(Path(package.__file__).parent)
    load_before = os.getloadavg()
    started = time.monotonic()

    # Start-up: no server involved.
    config_home = scratch / "with-config"
    (config_home / "ec2ops").mkdir(parents=True)
    (config_home / "ec2ops" / "config.toml").write_text('output = "plain"\ncolDelimiter = ","\n')
    startup = [
        Case("python -c pass", [sys.executable, "-c", "pass"], env),
        Case("python -c 'import click'", [sys.executable, "-c", "import click"], env),
        Case("ec2ops --help", [ec2ops, "--help"], env, contains("describe-instances")),
        Case("aws ec2 help", [aws, "ec2", "help"], env, contains("describe-instances")),
        Case("ec2ops --version", [ec2ops, "--version"], env),
        Case("aws --version", [aws, "--version"], env),
        Case("ec2ops --help, with a config.toml", [ec2ops, "--help"], {**env, "XDG_CONFIG_HOME": str(config_home)},
             contains("describe-instances")),
    ]
    run_cases(startup, args.runs, args.warmup, scratch, "start-up")
    s = {case.key: case for case in startup}

    port = free_port()
    moto = start_moto(port)
    upstream = f"http://127.0.0.1:{port}"
    replay = None
    results: dict[str, dict[str, Case]] = {}
    try:
        fill(upstream, args.instances, args.reservations, args.volumes, args.snapshots)
        queries = {"DescribeInstances": {"Action": "DescribeInstances"},
                   "DescribeVolumes": {"Action": "DescribeVolumes"},
                   "DescribeSnapshots": {"Action": "DescribeSnapshots", "Owner.1": "self"},
                   "DescribeRegions": {"Action": "DescribeRegions"}}
        times = server_times(upstream, queries)
        for mode in modes:
            if mode == "replay":
                replay = Replay(upstream)
                threading.Thread(target=replay.serve_forever, daemon=True).start()
                url = replay.url
            else:
                url = upstream
            cases = server_cases(ec2ops, aws, url, env, args.instances)
            run_cases(cases, args.runs, args.warmup, scratch, mode)
            results[mode] = {case.key: case for case in cases}
    finally:
        if replay:
            replay.shutdown()
        moto.terminate()
        moto.wait()
        shutil.rmtree(scratch, ignore_errors=True)
    load_after = os.getloadavg()
    minutes = (time.monotonic() - started) / 60

    baseline = median_wall(s["python -c pass"].samples)
    help_wall = median_wall(s["ec2ops --help"].samples)
    click_wall = median_wall(s["python -c 'import click'"].samples)
    lines = [
        "# ec2ops vs the AWS CLI",
        "",
        f"Written by `python benchmarks/run.py` (--runs {args.runs}, --warmup {args.warmup}) on "
        f"{time.strftime('%Y-%m-%d %H:%M %Z')}, in {minutes:.0f} minutes. Medians (and minimum) of {args.runs} runs, "
        f"each command in a fresh process after {args.warmup} warm-up run(s); ec2ops and the AWS CLI interleaved. "
        "Wall time around the process; peak RSS from os.wait4 (the process and the children it waited for), "
        "taken by a small launcher that forks the command (on Linux a child inherits its parent's peak RSS).",
        "",
        "## Machine",
        "",
        *machine(aws),
        load_line(load_before, load_after),
        "",
        "## Start-up (no server)",
        "",
        "`aws ec2 help` is the AWS CLI's counterpart of `ec2ops --help`: both list the EC2 operations with a line "
        "each (`aws --help` only prints a usage error; `aws ec2 help` renders its page with groff, which is part "
        "of what it costs).",
        "",
        HEADER,
        row("`python -c pass` (the floor)", s["python -c pass"].samples, None),
        row("`python -c 'import click'` (any click program's floor)", s["python -c 'import click'"].samples, None),
        row("`--help`", s["ec2ops --help"].samples, s["aws ec2 help"].samples, "`ec2 help`"),
        row("`--version`", s["ec2ops --version"].samples, s["aws --version"].samples, "`--version`"),
        row("`--help` with a config.toml", s["ec2ops --help, with a config.toml"].samples, None),
        "",
        f"- `ec2ops --help` within 60 ms of `python -c pass`: {fmt_ms(help_wall)} - {fmt_ms(baseline)} = "
        f"**{(help_wall - baseline) * 1000:.0f} ms**, {'met' if help_wall - baseline <= 0.060 else 'missed'}; "
        f"importing click alone takes {(click_wall - baseline) * 1000:.0f} ms of the 60",
        "",
        "## Against the server",
        "",
        f"The server holds {args.instances:,} instances in {args.reservations} reservations, {args.volumes:,} volumes, "
        f"{args.snapshots:,} snapshots, 5 key pairs, 5 addresses and 5 (+ default) security groups. "
        "All AWS CLI calls use `--output text`; ec2ops prints its plain form.",
        "",
        "moto's own time per answer (a signed request, the answer read, not parsed; median of 3):",
        "",
        "| Describe | moto's time | answer size |",
        "|---|---:|---:|",
        *[f"| {name} | {fmt_ms(t)} | {size / 1e6:.2f} MB |" for name, (t, size) in times.items()],
        "",
    ]
    titles = {
        "direct": ("### Direct: both tools against moto",
                   "moto's time to build each answer is in both columns: for 2,000 instances it is most of "
                   "the wall time, which caps the ratios."),
        "replay": ("### Replay: the same server behind a replay cache",
                   "Each distinct Describe query went to moto once (in the warm-up); then the cache answers in "
                   "about a millisecond, so what is left is what each client costs: start-up, the request, "
                   "reading and parsing the XML, printing."),
    }
    for mode in modes:
        title, note = titles[mode]
        lines += [title, "", note, "", *server_table(results[mode]), "",
                  "Targets:", "", *targets(results[mode], s, times, mode == "direct"), ""]
    output = Path(args.output)
    others = other_sections(output, [line for line in lines if line.startswith("## ")])
    output.write_text("\n".join(lines).rstrip("\n") + "\n" + ("\n" + others if others else ""))
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
