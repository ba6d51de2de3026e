"""`python -m deploy.embedded`: arguments, pre-flight checks (exit code 2), then the runner."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from deploy.embedded import plan, vardir
from deploy.embedded.infra import MissingBinary
from deploy.embedded.logs import Console
from deploy.embedded.ports import find_problems
from deploy.embedded.runner import Runner

EXIT_USAGE = 2  # something the user must change before anything can start


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m deploy.embedded",
        description="Run all of Consorcia on this machine: NATS JetStream, Redis, the four "
        "services and the GraphQL gateway, with their data under one folder.",
    )
    parser.add_argument(
        "--var-dir", type=Path, default=Path("var"), help="data folder, kept between runs (default: ./var)"
    )
    parser.add_argument(
        "--base-port",
        type=int,
        default=8400,
        help="gateway port; the services use the next four (default: 8400)",
    )
    parser.add_argument("--nats-port", type=int, default=14222, help="NATS client port (default: 14222)")
    parser.add_argument(
        "--nats-monitor-port",
        type=int,
        default=None,
        help="NATS HTTP monitoring port (default: NATS port + 4000, i.e. 18222)",
    )
    parser.add_argument("--redis-port", type=int, default=16379, help="Redis port (default: 16379)")
    parser.add_argument(
        "--no-seed", action="store_true", help="do not load the 2015 seed data into the directory service"
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=plan.COMPONENTS,
        metavar="COMPONENT",
        help="run only these (from: %(choices)s); NATS and Redis always come "
        "along with any service or the gateway",
    )
    parser.add_argument(
        "--reset", action="store_true", help="delete the data folder's contents (asks first) before starting"
    )
    parser.add_argument("-y", "--yes", action="store_true", help="do not ask before --reset")
    parser.add_argument(
        "--ready-timeout",
        type=float,
        default=60.0,
        help="seconds each component may take to become ready (default: 60)",
    )
    return parser.parse_args(argv)


def fail(message: str) -> int:
    print(f"deploy.embedded: {message}", file=sys.stderr)
    return EXIT_USAGE


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    opts = plan.Options(
        var_dir=args.var_dir.expanduser().resolve(),
        base_port=args.base_port,
        nats_port=args.nats_port,
        nats_monitor_port=args.nats_monitor_port,
        redis_port=args.redis_port,
        seed=not args.no_seed,
        only=tuple(args.only) if args.only else plan.COMPONENTS,
    )
    layout = vardir.Layout(opts.var_dir)
    try:
        lock = vardir.acquire_lock(layout.root)
    except (vardir.VarDirError, OSError) as exc:
        return fail(str(exc))
    try:
        problems = find_problems(plan.port_wishes(opts))
        if problems:
            for problem in problems:
                print(f"deploy.embedded: {problem}", file=sys.stderr)
            return EXIT_USAGE
        if args.reset:
            deleted = vardir.reset(layout.root, assume_yes=args.yes)
            print(
                f"deploy.embedded: reset {layout.root}: deleted {', '.join(p.name for p in deleted) or 'nothing'}"
            )
        layout.create()
        components = plan.build(opts, layout)
        console = Console(list(components))
        runner = Runner(components, console, str(layout.root), ready_timeout=args.ready_timeout)
        return asyncio.run(runner.run())
    except (vardir.VarDirError, MissingBinary, OSError) as exc:
        return fail(str(exc))
    except KeyboardInterrupt:  # only possible in the instant before the signal handlers exist
        return 130
    finally:
        lock.close()
