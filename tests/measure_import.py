"""Measure import and first-access times: `python tests/measure_import.py [RUNS]`.

Each sample is a fresh interpreter with compiled bytecode in place (as after
`pip install`); prints the median and the minimum in milliseconds.
"""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = {
    "import requests": "import requests",
    "import octo": "import octo",
    "first access octo.Octo().repos": "import octo; c = octo.Octo()\nSTART\nc.repos",
    "first access octo.repos (default client)": "import octo\nSTART\nocto.repos",
}
TEMPLATE = "import time\n{before}\nt = time.perf_counter()\n{after}\nprint((time.perf_counter() - t) * 1000)"


def sample(code: str, env: dict[str, str]) -> float:
    before, _, after = code.partition("\nSTART\n") if "START" in code else ("", "", code)
    script = TEMPLATE.format(before=before, after=after)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         env=env, cwd=ROOT).stdout
    return float(out)


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    compileall.compile_dir(ROOT / "octo", quiet=1)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for label, code in SAMPLES.items():
        times = [sample(code, env) for _ in range(runs)]
        print(f"{label:42} median {statistics.median(times):6.1f} ms   min {min(times):6.1f} ms   ({runs} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
