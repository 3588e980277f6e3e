"""Checks the Kubernetes examples in deploy/: each manifest against the
Kubernetes OpenAPI schemas that kubernetes-validate bundles (strict: no
unknown fields), for the oldest version the examples need (1.27: CronJob
timeZone) and the newest it has; then the fields that matter to MeetingBot.
Prints one JSON object: the problems found, and each CronJob's container
arguments for the Swift test to try on the real command line.

    .venv/bin/python Tests/Tools/check_kubernetes.py deploy/cronjob.yaml ...
"""
import json
import re
import sys

import kubernetes_validate
import yaml

VERSIONS = ["1.27.0", kubernetes_validate.latest_version()]
INDEX_ANNOTATION = "metadata.annotations['batch.kubernetes.io/job-completion-index']"


def check(path, problems):
    with open(path, encoding="utf-8") as f:
        documents = [d for d in yaml.safe_load_all(f) if d is not None]
    found = []
    for doc in documents:
        for version in VERSIONS:
            try:
                kubernetes_validate.validate(doc, version, strict=True)
            except kubernetes_validate.ValidationError as error:
                problems.append(f"{path}: Kubernetes {version}: {error.message} at {list(error.path)}")
        if doc.get("kind") != "CronJob":
            continue
        spec = doc["spec"]
        job = spec["jobTemplate"]["spec"]
        pod = job["template"]["spec"]
        (container,) = pod["containers"]
        args = container.get("args", [])

        def need(condition, what):
            if not condition:
                problems.append(f"{path}: {what}")

        need(spec.get("concurrencyPolicy") == "Forbid", "concurrencyPolicy must be Forbid: one run at a time")
        need(pod.get("restartPolicy") == "Never", "restartPolicy must be Never: the next run retries")
        need(pod.get("securityContext", {}).get("runAsNonRoot") is True, "the pod must run as non-root")
        need(container.get("securityContext", {}).get("readOnlyRootFilesystem") is True, "read-only root")
        need(args[:1] == ["run"] and "--config" in args, "the container runs `meetingbot run --config FILE`")
        mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
        volumes = {v["name"]: v for v in pod.get("volumes", [])}
        state = volumes.get(mounts.get("/var/lib/meetingbot"), {})
        need("persistentVolumeClaim" in state, "state_dir must be a persistent volume: the journal outlives pods")
        shards = None
        if job.get("completionMode") == "Indexed":
            shards = job.get("completions")
            need(job.get("parallelism") == shards, "parallelism must equal completions: every shard runs")
            env = {e["name"]: e for e in container.get("env", [])}
            shard_arg = args[args.index("--shard") + 1] if "--shard" in args else ""
            match = re.fullmatch(r"\$\((\w+)\)/(\d+)", shard_arg)
            need(match is not None, f"--shard must be $(VAR)/COUNT, found {shard_arg!r}")
            if match:
                need(int(match.group(2)) == shards, "the shard count must equal completions")
                source = env.get(match.group(1), {}).get("valueFrom", {}).get("fieldRef", {})
                need(source.get("fieldPath") == INDEX_ANNOTATION, "the shard index must be the completion index")
        found.append({"file": path, "name": doc["metadata"]["name"], "args": args, "shards": shards,
                      "runAsUser": pod.get("securityContext", {}).get("runAsUser")})
    return found


def main(paths):
    problems = []
    cronjobs = [c for path in paths for c in check(path, problems)]
    json.dump({"problems": problems, "cronjobs": cronjobs}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
