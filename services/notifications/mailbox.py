"""The local mail sink, read from the command line (the embedded default writes e-mail there).

    python -m services.notifications.mailbox            # list messages, newest last
    python -m services.notifications.mailbox show 3     # print message 3 (its plain-text part)
    python -m services.notifications.mailbox show 3 --raw

The folder is CONSORCIA_NOTIFICATIONS_MAIL_SINK_DIR (``make run`` sets it to var/mail), or --dir.
"""

from __future__ import annotations

import argparse
import os
import sys
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path


def messages(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.eml")) if folder.is_dir() else []


def read(path: Path) -> EmailMessage:
    with path.open("rb") as fh:
        return BytesParser(policy=policy.default).parse(fh)  # type: ignore[return-value]


def listing(folder: Path) -> str:
    rows = []
    for number, path in enumerate(messages(folder), 1):
        msg = read(path)
        rows.append(
            f"{number:>4}  {msg['Date'] or '':<31}  {str(msg['To'] or '')[:40]:<40}  {msg['Subject'] or ''}"
        )
    return "\n".join(rows) if rows else f"no messages in {folder}"


def show(folder: Path, number: int, *, raw: bool = False) -> str:
    paths = messages(folder)
    if not 1 <= number <= len(paths):
        raise SystemExit(f"there is no message {number} (there are {len(paths)})")
    if raw:
        return paths[number - 1].read_bytes().decode(errors="replace")
    msg = read(paths[number - 1])
    head = "\n".join(
        f"{k}: {msg[k]}" for k in ("From", "To", "Date", "Subject", "List-Unsubscribe") if msg[k]
    )
    body = msg.get_body(preferencelist=("plain", "html"))
    return f"{head}\n\n{body.get_content() if body else ''}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dir", default=os.environ.get("CONSORCIA_NOTIFICATIONS_MAIL_SINK_DIR", "var/mail"))
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("list")
    shower = sub.add_parser("show")
    shower.add_argument("number", type=int)
    shower.add_argument("--raw", action="store_true")
    args = parser.parse_args(argv)
    folder = Path(args.dir)
    out = show(folder, args.number, raw=args.raw) if args.command == "show" else listing(folder)
    sys.stdout.write(out + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
