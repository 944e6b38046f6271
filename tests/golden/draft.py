"""Draft a golden case from an article: `python tests/golden/draft.py ARTICLE.txt NAME`.

Writes tests/golden/NAME.json with the article text, the fields the extractor finds now and the
evidence snippet per field. A person must check every value against the text (and fix or delete
wrong ones) before committing the case: a golden case states what is right, not what the code does.
"""

import json
import sys
from pathlib import Path

from etl.extract import extract_text
from etl.read import Document, read_file

FIELDS = (
    "is_meeting",
    "meeting_date",
    "date_year_inferred",
    "date_text",
    "province",
    "province_code",
    "lead_ministry",
    "ministries",
    "organizer",
    "chair",
    "chair_title",
    "partners",
    "semester",
    "period",
    "meeting_type",
    "online",
    "participants",
)


def draft_case(path: Path) -> dict:
    """A golden-case dict for the first document of `path`, as the extractor sees it now."""
    doc = next(d for d in read_file(path) if isinstance(d, Document))
    record = extract_text(doc.text, doc.source, doc.title, doc.published)
    return {
        "about": "DRAFT: check every value against the text before committing",
        "title": doc.title,
        "published": doc.published,
        "text": doc.text,
        "expected": {f: record[f] for f in FIELDS},
        "evidence": {f: e["text"] for f, e in record["evidence"].items()},
    }


def main(argv: list[str]) -> int:
    """Write the draft next to this script."""
    if len(argv) != 2:
        print(__doc__)
        return 2
    out = Path(__file__).with_name(f"{argv[1]}.json")
    out.write_text(json.dumps(draft_case(Path(argv[0])), ensure_ascii=False, indent=2) + "\n")
    print(f"wrote {out}: check it by hand")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
