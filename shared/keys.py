"""Make the gateway's token signing keys once: `python -m shared.keys DIR` (used by `make keys`)."""

from __future__ import annotations

import sys
from pathlib import Path

from shared.auth import generate_keypair


def ensure_keypair(folder: Path) -> tuple[Path, Path]:
    """Write jwt-private.pem (0600) and jwt-public.pem into folder unless both exist already."""
    private, public = folder / "jwt-private.pem", folder / "jwt-public.pem"
    if private.exists() and public.exists():
        return private, public
    folder.mkdir(parents=True, exist_ok=True)
    private_pem, public_pem = generate_keypair()
    private.write_text(private_pem)
    private.chmod(0o600)
    public.write_text(public_pem)
    return private, public


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "deploy/secrets")
    for path in ensure_keypair(target):
        print(path)
