"""The deployment files stay valid and keep the durability setting the design depends on."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(
    shutil.which("docker-compose") is None, reason="docker-compose is not installed (.ci/run installs it)"
)
def test_compose_file_is_valid_for_docker_compose():
    result = subprocess.run(
        ["docker-compose", "-f", "docker-compose.yml", "config", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_every_nats_config_fsyncs_before_acknowledging():
    # Jepsen 2025 (NATS 2.12.1): the default two-minute fsync loses acknowledged writes on a crash.
    texts = [(ROOT / "deploy/nats/nats.conf").read_text()]
    texts += [
        doc["data"]["nats.conf"]
        for doc in _k8s_docs()
        if doc.get("kind") == "ConfigMap" and "nats.conf" in doc.get("data", {})
    ]
    texts.append((ROOT / "tests/infra.py").read_text())
    texts.append((ROOT / "deploy/embedded/infra.py").read_text())
    assert len(texts) >= 4
    for text in texts:
        assert "sync_interval: always" in text


def test_kubernetes_manifests_parse_and_give_every_app_the_token_public_key():
    docs = _k8s_docs()
    deployments = {d["metadata"]["name"]: d for d in docs if d.get("kind") == "Deployment"}
    assert {"directory", "matching", "forum", "notifications", "gateway"} <= set(deployments)
    for name, deployment in deployments.items():
        env = {
            e["name"] for c in deployment["spec"]["template"]["spec"]["containers"] for e in c.get("env", [])
        }
        assert "CONSORCIA_JWT_PUBLIC_KEY" in env, name
    gateway_env = {
        e["name"] for e in deployments["gateway"]["spec"]["template"]["spec"]["containers"][0]["env"]
    }
    assert "CONSORCIA_GATEWAY_JWT_PRIVATE_KEY" in gateway_env


def _k8s_docs() -> list[dict]:
    docs = []
    for path in sorted((ROOT / "deploy/k8s").rglob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return docs
