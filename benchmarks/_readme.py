"""Put a benchmark's measured table into benchmarks/README.md, between its markers."""

import re
from pathlib import Path

README = Path(__file__).with_name("README.md")


def write_section(name, text):
    """Replace what stands between ``<!-- name start -->`` and ``<!-- name end -->``."""
    start, end = f"<!-- {name} start -->", f"<!-- {name} end -->"
    content = README.read_text()
    if start not in content or end not in content:
        raise ValueError(f"benchmarks/README.md has no {start} ... {end} section")
    pattern = re.escape(start) + ".*" + re.escape(end)
    block = f"{start}\n{text}\n{end}"
    README.write_text(re.sub(pattern, lambda _: block, content, flags=re.S))
