"""deploy/: manifests parse and say what operations needs (replicas, probes, PDB, HPA, alerts, dashboard)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from tracking_service import metrics

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _docs(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def test_every_yaml_file_parses() -> None:
    files = list(DEPLOY.rglob("*.yml")) + list(DEPLOY.rglob("*.yaml"))
    assert len(files) >= 6
    for path in files:
        assert _docs(path), path


def test_compose_has_service_and_postgres_with_healthchecks() -> None:
    compose = _docs(DEPLOY / "docker-compose.yml")[0]
    assert {"tracking", "postgres"} <= set(compose["services"])
    assert all("healthcheck" in s for s in compose["services"].values())
    assert compose["services"]["tracking"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_kubernetes_runs_two_replicas_with_probes_pdb_hpa_and_a_migration_job() -> None:
    kinds = {}
    for path in (DEPLOY / "k8s").glob("*.yaml"):
        for doc in _docs(path):
            kinds[doc["kind"]] = doc
    assert {
        "Deployment",
        "Service",
        "PodDisruptionBudget",
        "HorizontalPodAutoscaler",
        "ConfigMap",
        "Secret",
        "Job",
    } <= set(kinds)
    deployment = kinds["Deployment"]
    assert deployment["spec"]["replicas"] >= 2
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert kinds["HorizontalPodAutoscaler"]["spec"]["minReplicas"] >= 2
    assert kinds["Job"]["spec"]["template"]["spec"]["containers"][0]["command"][-1] == "migrate"


def test_alert_rules_are_well_formed_and_use_metrics_the_service_exports() -> None:
    exported = {m._name for m in vars(metrics).values() if hasattr(m, "_name")}
    rules = _docs(DEPLOY / "prometheus" / "alerts.yml")[0]["groups"][0]["rules"]
    assert {r["alert"] for r in rules} >= {
        "CarrierCircuitOpen",
        "OutboxBacklogOld",
        "UnmappedCarrierCodesRising",
        "CarrierUnsubscribeGivenUp",
        "IncidentSpike",
    }
    for rule in rules:
        assert set(rule) >= {"alert", "expr", "labels", "annotations"}
        assert rule["expr"].count("(") == rule["expr"].count(")")
        for name in re.findall(r"tracking_[a-z_]+", rule["expr"]):
            base = re.sub(r"_(total|bucket|count|sum)$", "", name)
            assert base in exported or name in exported, name


def test_grafana_dashboard_is_valid_json_with_panels() -> None:
    dashboard = json.loads((DEPLOY / "grafana" / "tracking-service.json").read_text())
    assert dashboard["uid"] == "tracking-service" and len(dashboard["panels"]) >= 8
    assert all(p["targets"][0]["expr"] for p in dashboard["panels"])
