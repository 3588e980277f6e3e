"""Parses a metrics file with Prometheus's own Python parser of the text
exposition format and prints its families and samples as JSON, for the Swift
tests to compare with the run's report. A file the parser refuses exits 1
with its error.

    .venv/bin/python Tests/Tools/metrics_samples.py FILE
"""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families


def main(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        families = [
            {
                "name": family.name,
                "type": family.type,
                "help": family.documentation,
                "samples": [
                    {"name": s.name, "labels": s.labels, "value": s.value, "timestamp": s.timestamp}
                    for s in family.samples
                ],
            }
            for family in text_string_to_metric_families(text)
        ]
    except Exception as error:  # the parser raises ValueError, and others for some malformed lines
        print(f"{path}: {error!r}", file=sys.stderr)
        return 1
    json.dump(families, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
