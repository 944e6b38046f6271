"""`python -m bench.app_rss DB`: render every dashboard page with AppTest on DB; print peak RSS as JSON."""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def vm_hwm_mb() -> float:
    """This process's peak resident memory (VmHWM) in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def main(db: str) -> int:
    from streamlit.testing.v1 import AppTest
    os.environ["KM_DB"] = db
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
    app.run()
    errors = [f"dashboard: {e.value}" for e in app.exception]
    pages = sorted(p.name for p in (ROOT / "pages").glob("*.py"))
    for page in pages:
        app.switch_page(f"pages/{page}").run()
        errors += [f"{page}: {str(e.value)[:200]}" for e in app.exception]
    print(json.dumps({"pages": len(pages), "app_vmhwm_mb": vm_hwm_mb(), "errors": errors}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
