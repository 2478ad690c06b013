"""bandit, the Python security linter, finds no high-severity issue in the service's code."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["accounts", "needs", "commissioning", "coproduction", "procurement", "contracts", "core"]
PACKAGES += ["dashboard", "config"]
OPTIONS = ["-x", "*/tests/*,*/migrations/*", "--severity-level", "high", "--confidence-level", "low"]


def test_bandit_finds_no_high_severity_issue():
    """High severity at any confidence. A true false positive is marked `# nosec B###` with its reason."""
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-r", *PACKAGES, *OPTIONS, "--format", "json", "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(result.stdout)
    assert not report["errors"], report["errors"]
    assert report["metrics"]["_totals"]["loc"] > 10_000  # it did read the code
    findings = [
        f"{issue['filename']}:{issue['line_number']} {issue['test_id']} {issue['issue_text']}"
        for issue in report["results"]
    ]
    assert not findings, "\n".join(findings)
    assert result.returncode == 0
