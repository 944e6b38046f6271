"""Readers: formats, encodings, rejections, page-chrome removal on the seeds, never-crash property."""

import hashlib
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import read
from etl.chrome import (
    _line_keys,
    _required_literal,
    first_line_title,
    match_key,
    strip_chrome,
    trim,
)
from etl.read import Document, Rejected, iter_input_files, read_documents, read_file, read_text
from etl.read_formats import iso_date

FIXTURES = Path(__file__).parent / "fixtures" / "inputs"
SEED_BODY = "ភ្នំពេញ ៖ នាព្រឹកថ្ងៃទី១៥ ខែមីនា ឆ្នាំ២០២៤ ក្រសួងសុខាភិបាល បានរៀបចំកិច្ចប្រជុំក្រុមការងារបច្ចេកទេស។"
TITLE = "កិច្ចប្រជុំក្រុមការងារបច្ចេកទេសសុខាភិបាល"
IMAGE_TAG = re.compile(r"<[\w:-]*image|!\[")


def seed_lines(seeds_dir: Path, prefix: str) -> list[str]:
    (path,) = seeds_dir.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8").split("\n")


def read_one(path: Path) -> Document:
    (doc,) = read_file(path)
    assert isinstance(doc, Document), doc
    return doc


# --- the five seeds: whole-text expectations of what is removed -------------------------------


def test_seed_000_image_links_removed(seeds_dir):
    lines = seed_lines(seeds_dir, "000")
    doc = read_one(next(seeds_dir.glob("000_*.txt")))
    assert doc.text == "\n".join(lines[:5])  # everything after the 5 paragraphs is image links
    assert not IMAGE_TAG.search(doc.text)
    assert doc.title == lines[0][: len(doc.title) - 1] + "…"  # a long first paragraph, shortened


def test_seed_001_related_tail_and_copyright_cut(seeds_dir):
    lines = seed_lines(seeds_dir, "001")
    doc = read_one(next(seeds_dir.glob("001_*.txt")))
    assert doc.text == "\n\n".join([lines[0], lines[3], lines[6], "\n".join(lines[9:13])])
    assert doc.title == lines[0]


def test_seed_002_site_header_and_decoration_removed(seeds_dir):
    lines = seed_lines(seeds_dir, "002")
    headline, body = re.split(r"\s*\+{4,}\s*", lines[5])
    doc = read_one(next(seeds_dir.glob("002_*.txt")))
    assert lines[:4] == ["រដ្ឋបាលខេត្តកណ្តាល", "", "Kandal Administration", "ស្វែងរក"]
    assert doc.text == headline + "\n" + body
    assert doc.title == headline.strip()
    assert headline.startswith("កិច្ចប្រជុំពិគ្រោះយោបល់") and body.startswith("ខេត្តកណ្តាល៖")


def test_seed_003_site_header_removed_headline_is_title(seeds_dir):
    lines = seed_lines(seeds_dir, "003")
    doc = read_one(next(seeds_dir.glob("003_*.txt")))
    assert doc.text == lines[5] + "\n\n" + lines[7].lstrip("+")
    assert doc.title == lines[5].strip()
    assert lines[9] == "អត្ថបទទាក់ទង" and "អត្ថបទទាក់ទង" not in doc.text


def test_seed_004_share_button_captions_and_tails_removed(seeds_dir):
    lines = seed_lines(seeds_dir, "004")
    doc = read_one(next(seeds_dir.glob("004_*.txt")))
    assert lines[2:4] == ["ចែលរំលែក", "photo 2024 07 17 19 43 30 2"]
    paragraphs = [i for i, line in enumerate(lines[:42]) if line.strip()]  # nbsp-only lines blank
    assert doc.text == "\n\n".join(lines[i] for i in paragraphs if i not in (2, 3))
    assert doc.title == lines[0].strip()
    for chrome in ("photo 2024", "ព្រឹត្តិការណ៍និងព័ត៌មានថ្មីៗ", "ឯកសារនិងរបាយការណ៍ថ្មីៗ", "ចែលរំលែក"):
        assert chrome not in doc.text


def test_seed_ids_are_content_hashes(seeds_dir):
    for doc in read_documents([seeds_dir]):
        raw = Path(doc.source).read_bytes()
        assert doc.doc_id == hashlib.sha256(doc.text.encode("utf-8")).hexdigest()[:16]
        assert doc.file_hash == hashlib.sha256(raw).hexdigest()[:16]
        assert doc.url is None and doc.published is None


# --- chrome rules on small texts ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "article"),
    [
        ("ចែករំលែក\nអត្ថបទ\nShare | Tweet\nបន្ត", "អត្ថបទ\nបន្ត"),
        ("អត្ថបទ ![រូប](a.jpg) បន្ត\n![](b.png)", "អត្ថបទ  បន្ត"),
        ("អត្ថបទ\n\n\n\nបន្ត\n\nព័ត៌មានទាក់ទង៖\nផ្សេង\n", "អត្ថបទ\n\nបន្ត"),
        ("អត្ថបទ\n© ២០១៩ រក្សាសិទ្ធិគ្រប់យ៉ាងដោយ គេហទំព័រ\n+++++\nបន្ត", "អត្ថបទ\nបន្ត"),
        ("ព័ត៌មានទាក់ទង\nចំណងជើង\nអត្ថបទ", "ចំណងជើង\nអត្ថបទ"),  # a tail heading first cuts nothing
        ("ស្វែងរក\nចំណងជើង\nស្វែងរក", "ចំណងជើង\nស្វែងរក"),  # header words only count at the top
        ("\u200bក\u200bខ\u200b\n 12 comments", "\u200bក\u200bខ\u200b"),
        ("photo 2024 07 17 19 43 30 2 photo 2024 07 17 19 43 31\nក", "ក"),
        ("រដ្ឋបាលខេត្ដ\u200bសៀមរាប\nព័ត៌មាន\u200bជាតិ\nចំណងជើង", "ចំណងជើង"),  # ZWSP, coeng-DA
        ("សេចក្តីប្រកាសព័ត៌មាន\nសេចក្តីប្រកាសព័ត៌មាន", "សេចក្តីប្រកាសព័ត៌មាន\nសេចក្តីប្រកាសព័ត៌មាន"),
        ("ចំណងជើង\nព័ត៌មាន\u200bទាក់ទង\nផ្សេង", "ចំណងជើង"),
    ],
)
def test_strip_chrome_rules(page, article):
    assert strip_chrome(page) == article


@given(
    st.text(alphabet=st.sampled_from("ក ខ\n+#©!()[]<>/ាំ\u200bphoto2024Shareអត្ថបទទាក់ង"), max_size=80)
)
def test_strip_chrome_is_idempotent(text):
    once = strip_chrome(text)
    assert strip_chrome(once) == once


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from("ក ខ\n\t្ដត\u200b\u200c\u2060\ufeff\u00a0x"), max_size=700))
def test_line_keys_are_match_keys(text):
    lines = text.split("\n")
    assert _line_keys(text, lines)[0] == [match_key(line) for line in lines]


@pytest.mark.parametrize(
    ("pattern", "literal"),
    [
        (r"\bdata:image/[\w.+-]+;base64,", "data:image/"),
        (r"<[\w:-]*image\b[^>]*>[^<]*</[\w:-]*image\s*>", "image"),
        (r"!\[[^\]\n]*\]", "!["),
        (r"a\bbc?d", "ab"),
        (r"ab|cd", ""),
        (r"(?i)image", ""),
    ],
)
def test_inline_rules_are_skipped_only_without_their_literal(pattern, literal):
    assert _required_literal(pattern) == literal


# --- formats and encodings ----------------------------------------------------------------------


def test_encodings_give_the_same_document():
    docs = [
        read_one(FIXTURES / name) for name in ("utf8_bom.txt", "utf16_bom.txt", "utf16be_bom.txt")
    ]
    assert {doc.text for doc in docs} == {TITLE + "\n\n" + SEED_BODY}  # BOM gone, CRLF -> LF
    assert len({doc.doc_id for doc in docs}) == 1 and len({doc.file_hash for doc in docs}) == 3


def test_html_main_text_title_url_published():
    doc = read_one(FIXTURES / "page.html")
    assert doc.text == "\n".join(
        [TITLE, SEED_BODY, "កិច្ចប្រជុំនេះមានការចូលរួមពីតំណាងអង្គការយូនីសេហ្វ និងដៃគូអភិវឌ្ឍន៍ ចំនួន៤៥រូប។"]
    )
    assert (doc.title, doc.url, doc.published) == (
        TITLE,
        "https://example.gov.kh/news/123",
        "2024-03-15",
    )


def test_markdown_image_and_tail_removed():
    doc = read_one(FIXTURES / "article.md")
    assert doc.text == f"# {TITLE}\n\n{SEED_BODY}"
    assert doc.title == TITLE


def summary(results: list) -> list[tuple]:
    return [
        (r.source.split("/")[-1], r.title, r.url, r.published)
        if isinstance(r, Document)
        else (r.source.split("/")[-1], r.reason)
        for r in results
    ]


def test_jsonl_bad_rows_reject_only_themselves():
    assert summary(read_file(FIXTURES / "rows.jsonl")) == [
        ("rows.jsonl#row-1", TITLE, "https://example.com/a", "2024-03-15"),
        (
            "rows.jsonl#row-2",
            "invalid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
        ),
        ("rows.jsonl#row-4", "missing or empty 'text'"),
        ("rows.jsonl#row-5", "no Khmer text"),
        ("rows.jsonl#row-6", "សៀមរាប ៖ រដ្ឋបាលខេត្តសៀមរាប បានបើកកិច្ចប្រជុំប្រចាំខែ។", None, "2019-07-26"),
        ("rows.jsonl#row-7", "not an object but list"),
    ]


def test_json_array_rows():
    docs = read_file(FIXTURES / "rows.json")
    assert [d.source.split("/")[-1] for d in docs] == ["rows.json#row-1", "rows.json#row-2"]
    same_text = read_file(FIXTURES / "rows.jsonl")[0]
    assert (docs[0].text, docs[0].doc_id) == (SEED_BODY, same_text.doc_id)


def test_csv_rows_with_quoted_multiline_text():
    results = read_file(FIXTURES / "export.csv")
    assert summary(results) == [
        ("export.csv#row-1", TITLE, "https://example.com/c1", "2024-03-15"),
        ("export.csv#row-2", "missing or empty 'text'"),
        ("export.csv#row-3", "កំពត ៖ កិច្ចប្រជុំពិគ្រោះយោបល់ស្តីពីការអប់រំ។", None, None),
    ]
    assert results[0].text == SEED_BODY + '\nកថាខណ្ឌទីពីរ, មានសញ្ញាក្បៀស "សម្រង់"។'
    assert len({r.file_hash for r in results}) == 1


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("x.csv", "url,body\na,ក\n", [("x.csv", "CSV has no 'text' column (columns: url, body)")]),
        ("x.csv", "title\ttext\nt\tក\n", [("x.csv#row-1", "t", None, None)]),
        (
            "x.csv",
            "title;text;published\nt;ក;2024-01-02\n",
            [("x.csv#row-1", "t", None, "2024-01-02")],
        ),
        ("x.csv", "text\n", [("x.csv", "CSV has a header but no rows")]),
        (
            "x.json",
            '{"articles": [{"text": "ក", "url": "u"}, 5]}',
            [("x.json#row-1", "ក", "u", None), ("x.json#row-2", "not an object but int")],
        ),
        (
            "x.json",
            '[{"text": "ក"},',
            [("x.json", "invalid JSON: Expecting value: line 1 column 16 (char 15)")],
        ),
        ("x.json", "[]", [("x.json", "empty JSON array")]),
        ("x.json", '{"text": "ក", "title": 5}', [("x.json#row-1", "ក", None, None)]),
        (
            "x.jsonl",
            '{"text": "\\ud800ក"}',
            [("x.jsonl#row-1", "'text' contains invalid Unicode (an unpaired surrogate escape)")],
        ),
        ("x.html", "<p>ក</p><script>var x;</script>", [("x.html", "ក", None, None)]),
        ("x.html", "<html><!-- ក --></html>", [("x.html", "no main text found in HTML page")]),
        ("x.md", "\ufeff# ក\n", [("x.md", "ក", None, None)]),
    ],
)
def test_small_inputs(name, data, expected):
    assert summary(read_file(Path(name), data.encode("utf-8"))) == expected


def test_saved_page_chrome_removed_metadata_kept():
    doc = read_one(FIXTURES / "saved_page.htm")
    assert doc.text == (
        "ខេត្តកណ្តាល៖ នាព្រឹកថ្ងៃទី៣១ ខែកក្កដា ឆ្នាំ២០២៤ គណៈកម្មាធិការពិគ្រោះយោបល់កិច្ចការស្ត្រី និងកុមារ ខេត្តកណ្តាល"
        " បានរៀបចំកិច្ចប្រជុំបូកសរុបលទ្ធផលការងារប្រចាំឆមាសទី១ ឆ្នាំ២០២៤។\n"
        "កិច្ចប្រជុំនេះមានការចូលរួមពីមន្ទីរជំនាញ និងអង្គការដៃគូ ចំនួន៦៦រូប។"
    )
    assert (doc.title, doc.url, doc.published) == (
        "កិច្ចប្រជុំបូកសរុបលទ្ធផលការងារប្រចាំឆមាសទី១ ឆ្នាំ២០២៤",
        "https://kandal.gov.kh/news/2024/07/31/meeting",
        "2024-07-31",
    )


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("binary.txt", "binary file (contains NUL bytes), not text"),
        ("invalid_encoding.txt", "not UTF-8 or UTF-16 text (invalid byte 0xff at offset 15)"),
        ("empty.txt", "empty file"),
        ("whitespace.txt", "empty file (only whitespace)"),
        ("no_khmer.txt", "no Khmer text"),
        ("chrome_only.txt", "no article text left after removing page chrome"),
        (
            "notes.pdf",
            "unsupported file type '.pdf' (supported: .csv, .htm, .html, .json, .jsonl, .md, .txt)",
        ),
        ("missing.txt", "no such file or directory"),
    ],
)
def test_rejections_have_clear_reasons(name, reason):
    (result,) = read_file(FIXTURES / name)
    assert isinstance(result, Rejected)
    assert (result.source, result.reason) == (str(FIXTURES / name), reason)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_gets_advice(codec):
    (result,) = read_file(Path("x.txt"), f"{TITLE}\n\n{SEED_BODY}\n".encode(codec))
    assert result.reason == (
        f"looks like {codec.upper()} text without a byte-order mark: save it as UTF-8 (or UTF-16 with BOM)"
    )


def test_too_large_file_rejected_from_its_size_without_reading(tmp_path, monkeypatch):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(52_400_000)  # sparse: costs no disk
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read a too-large file"))
    assert read_file(path) == [Rejected(str(path), "file too large: 52.4 MB > 20 MB", None)]


def test_directories_and_fifos_are_rejected_not_read(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "dir.txt").mkdir()
    assert summary(read_file(tmp_path / "pipe.txt") + read_file(tmp_path / "dir.txt")) == [
        ("pipe.txt", "not a regular file"),
        ("dir.txt", "is a directory"),
    ]


def test_iter_input_files_recursive_sorted_skips_hidden_and_unsupported(tmp_path):
    for rel in ("b/2.txt", "b/1.html", "a.jsonl", ".git/x.txt", "b/.hidden.md", "c.pdf", "d.CSV"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("ក", encoding="utf-8")
    found = list(iter_input_files([tmp_path, tmp_path / "c.pdf", tmp_path / "a.jsonl"]))
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a.jsonl",
        "b/1.html",
        "b/2.txt",
        "d.CSV",
        "c.pdf",
    ]


def test_read_text_matches_file_reading():
    doc = read_one(FIXTURES / "utf8_bom.txt")
    pasted = read_text("ស្វែងរក\r\n" + doc.text + "\r\nចែករំលែក", "pasted", published="15/03/2024")
    assert (pasted.text, pasted.doc_id, pasted.title) == (doc.text, doc.doc_id, TITLE)
    assert pasted.published == "2024-03-15" and pasted.source == "pasted"
    assert read_text("  \n", "p").reason == "empty text"
    assert read_text("ក\x00", "p").reason == "binary data (contains NUL characters), not text"
    assert read_text(doc.text, "p", title=" ចំណងជើង ").title == "ចំណងជើង"


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2024-07-17", "2024-07-17"),
        ("2024-07-17T08:00:00Z", "2024-07-17"),
        ("17/07/2024", "2024-07-17"),
        ("Fri, 26 July 2019 04:58 PM", "2019-07-26"),
        ("July 26, 2019", "2019-07-26"),
        ("១៧/០៧/២០២៤", "2024-07-17"),
        ("yesterday", None),
        ("31/02/2024", None),
        (20240717, None),
        (None, None),
    ],
)
def test_iso_date(value, iso):
    assert iso_date(value) == iso


# --- never crash --------------------------------------------------------------------------------


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=300), suffix=st.sampled_from(sorted(read.SUPPORTED_SUFFIXES)))
def test_random_bytes_never_raise(data, suffix):
    for result in read_file(Path(f"fuzz{suffix}"), data):
        assert isinstance(result, Document | Rejected)
        assert isinstance(result, Document) or result.reason


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_random_text_never_raises(text):
    result = read_text(text, "fuzz")
    assert isinstance(result, Document) or result.reason


@pytest.mark.shared
def test_whole_corpus_reads_and_keeps_article_lines(corpus_dir):
    results = list(read_documents([corpus_dir]))
    assert len(results) == len(os.listdir(corpus_dir)) and all(
        isinstance(r, Document) for r in results
    )
    removed = set()
    for doc in results:
        original = Path(doc.source).read_text(encoding="utf-8").split("\n")
        kept = set(doc.text.split("\n")) - {""}
        assert kept <= set(original), doc.source  # article lines kept character for character
        removed |= {trim(line) for line in original if trim(line) and line not in kept}
    assert removed and all(re.fullmatch(r"(\d+ )?comments|© .*", line) for line in removed), removed


def test_title_skips_datelines_and_markdown_marks():
    assert first_line_title("\n Tue, 29 October 2024 01:46 PM\n## ចំណងជើង \nអត្ថបទ") == "ចំណងជើង"
    assert first_line_title("Fri, 26 July 2019") is None
