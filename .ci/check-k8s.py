"""Checks examples/fleet-k8s-job.yaml without a cluster: it parses, has the fields Kubernetes
requires of each object, and its parts agree with each other.

- every document has apiVersion, kind, metadata.name, and all share one namespace;
- the Job is an Indexed Job (batch/v1) whose completions is the number of repositories listed
  in the ConfigMap, with restartPolicy Never (backoffLimitPerIndex requires it);
- each container has a name, an image and a command; each volumeMount names a volume of the pod;
  each configMap and persistentVolumeClaim a volume names is defined in the file;
- the script the pods run passes `sh -n` and shellcheck.

Usage: python check-k8s.py FILE
"""

import subprocess
import sys
import tempfile

import yaml


def fail(msg):
    sys.exit(f"{sys.argv[1]}: {msg}")


def main():
    with open(sys.argv[1]) as f:
        docs = [d for d in yaml.safe_load_all(f) if d is not None]
    by_kind = {}
    namespaces = set()
    for d in docs:
        for key in ("apiVersion", "kind", "metadata"):
            if key not in d:
                fail(f"a document has no {key}")
        if not d["metadata"].get("name"):
            fail(f"a {d['kind']} has no metadata.name")
        namespaces.add(d["metadata"].get("namespace"))
        by_kind.setdefault(d["kind"], []).append(d)
    if len(namespaces) != 1:
        fail(f"the objects are in several namespaces: {sorted(map(str, namespaces))}")

    jobs = by_kind.get("Job", [])
    if len(jobs) != 1:
        fail("expected one Job")
    job = jobs[0]
    if job["apiVersion"] != "batch/v1":
        fail("the Job's apiVersion is not batch/v1")
    spec = job["spec"]
    if spec.get("completionMode") != "Indexed":
        fail("the Job is not an Indexed Job (completionMode: Indexed)")
    pod = spec["template"]["spec"]
    if pod.get("restartPolicy") != "Never":
        fail("restartPolicy must be Never (backoffLimitPerIndex requires it)")

    config_maps = {c["metadata"]["name"]: c for c in by_kind.get("ConfigMap", [])}
    claims = {c["metadata"]["name"] for c in by_kind.get("PersistentVolumeClaim", [])}
    volumes = {}
    for v in pod.get("volumes", []):
        volumes[v["name"]] = v
        if "configMap" in v and v["configMap"]["name"] not in config_maps:
            fail(f"volume {v['name']}: no ConfigMap {v['configMap']['name']} in the file")
        pvc = v.get("persistentVolumeClaim")
        if pvc and pvc["claimName"] not in claims:
            fail(f"volume {v['name']}: no PersistentVolumeClaim {pvc['claimName']} in the file")
    containers = pod.get("containers", [])
    if not containers:
        fail("the pod has no containers")
    for c in containers:
        for key in ("name", "image", "command"):
            if not c.get(key):
                fail(f"a container has no {key}")
        for m in c.get("volumeMounts", []):
            if m["name"] not in volumes:
                fail(f"container {c['name']}: volumeMount {m['name']} names no volume")

    (config,) = config_maps.values()
    repos = [l for l in config["data"]["repositories.txt"].splitlines() if l.strip()]
    if spec.get("completions") != len(repos):
        fail(f"completions is {spec.get('completions')}, and repositories.txt lists {len(repos)}")

    with tempfile.NamedTemporaryFile("w", suffix=".sh") as script:
        script.write(config["data"]["scan.sh"])
        script.flush()
        for cmd in (["sh", "-n", script.name], ["shellcheck", "--shell=sh", script.name]):
            try:
                r = subprocess.run(cmd, capture_output=True, text=True)
            except FileNotFoundError:
                fail(f"{cmd[0]} is needed for this check (.ci/run installs shellcheck)")
            if r.returncode != 0:
                fail(f"scan.sh: {' '.join(cmd[:1])}: {r.stdout}{r.stderr}")
    print(f"{sys.argv[1]}: ok ({len(docs)} objects, {len(repos)} repositories)")


main()
