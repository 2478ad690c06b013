"""benchmarks/results.md holds one section per benchmark; each run replaces its own section only."""

from __future__ import annotations

import re
from pathlib import Path

HEADER = """# Benchmark results

Written by `make bench` (see benchmarks/README.md). Each benchmark replaces its own section; the import
benchmark keeps its history in results-import.md. Compare figures from the same machine only.
"""
ORDER = ["load", "pdf"]


def replace_section(path: Path, name: str, body: str) -> None:
    text = path.read_text() if path.exists() else HEADER
    sections = {
        match.group(1): match.group(0)
        for match in re.finditer(r"<!-- bench:(\w+) -->.*?<!-- /bench:\1 -->", text, re.S)
    }
    sections[name] = f"<!-- bench:{name} -->\n{body.rstrip()}\n<!-- /bench:{name} -->"
    ordered = [sections[key] for key in ORDER if key in sections]
    ordered += [value for key, value in sections.items() if key not in ORDER]
    path.write_text(HEADER + "\n" + "\n\n".join(ordered) + "\n")
