"""One bad PDF costs only that file (issue 27, item 4): a compressed-stream bomb and an AES-encrypted PDF, made
here byte by byte (no crypto library is installed, so pypdf cannot write AES itself), in a real build and on the
Data page. Before the change each stopped the whole ingest with a traceback (LimitReachedError, DependencyError).
"""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from pathlib import Path

import pytest

from ingest.readers import InputError, doc_from_bytes, read_document
from tests.test_app import app_env, run  # noqa: F401 - app_env is a fixture used below

PAGE = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>")
HEAD = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"]
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")  # PDF 1.7, Algorithm 2


def assemble(objs: list[bytes], trailer_extra: bytes = b"") -> bytes:
    """A PDF of these objects (numbered from 1, the first the catalog) with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + o + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, trailer_extra, xref))
    return out.getvalue()


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def text_pdf(text: str = "A referral network for local entrepreneurs in Wigan.") -> bytes:
    return assemble([*HEAD, PAGE, stream(f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()), FONT])


def bomb_pdf(mb: int = 100) -> bytes:
    """100 KB that inflate to 100 MB of page content."""
    data = zlib.compress(b"BT /F1 12 Tf 72 720 Td (x) Tj ET\n" + b" " * (mb * 2**20), 9)
    return assemble([*HEAD, PAGE, stream(data, b"/Filter /FlateDecode "), FONT])


def rc4(key: bytes, data: bytes) -> bytes:
    """RC4, for the password check value: a dozen lines, so no crypto library is needed to write the file."""
    s, j = list(range(256)), 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    i = j = 0
    out = bytearray()
    for b in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(b ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def aes_pdf() -> bytes:
    """Standard security handler revision 4 with AESV2 crypt filters and an empty user password: the password
    check (RC4/MD5, Algorithms 2 and 5) passes, so a reader goes on to decrypt a string and needs AES."""
    owner, perms, doc_id = b"\x42" * 32, -4, b"\x11" * 16
    key = hashlib.md5(PAD + owner + struct.pack("<i", perms) + doc_id).digest()
    for _ in range(50):
        key = hashlib.md5(key[:16]).digest()
    user = rc4(key, hashlib.md5(PAD + doc_id).digest())
    for i in range(1, 20):
        user = rc4(bytes(k ^ i for k in key), user)
    encrypt = (b"<< /Filter /Standard /V 4 /R 4 /Length 128 /P %d /O <%s> /U <%s> /CF << /StdCF << /CFM /AESV2 "
               b"/AuthEvent /DocOpen /Length 16 >> >> /StmF /StdCF /StrF /StdCF >>"
               % (perms, owner.hex().encode(), (user + bytes(16)).hex().encode()))
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /PZ (an encrypted string) >>"
    return assemble([*HEAD, page, stream(bytes(range(32))), encrypt],
                    b"/Encrypt 5 0 R /ID [<%s> <%s>] " % (doc_id.hex().encode(), doc_id.hex().encode()))


@pytest.fixture(scope="module")
def hostile() -> dict[str, bytes]:
    return {"bomb.pdf": bomb_pdf(), "aes.pdf": aes_pdf()}


def test_the_files_are_what_they_claim(hostile):
    """pypdf alone fails on each exactly as reported, and the honest PDF made the same way reads."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, LimitReachedError

    for name, error in (("bomb.pdf", LimitReachedError), ("aes.pdf", DependencyError)):
        with pytest.raises(error):
            [p.extract_text() for p in PdfReader(io.BytesIO(hostile[name])).pages]
    assert doc_from_bytes(text_pdf(), "good.pdf").text.strip() == "A referral network for local entrepreneurs in Wigan."


@pytest.mark.parametrize(("name", "words"), [("bomb.pdf", "expands past the reader's safety limits"),
                                             ("aes.pdf", "is an encrypted PDF")])
def test_a_hostile_pdf_is_an_input_error_naming_the_file(tmp_path, hostile, name, words):
    (tmp_path / name).write_bytes(hostile[name])
    with pytest.raises(InputError) as e:
        read_document(tmp_path / name, display=name)
    assert str(e.value).startswith(f"{name}: ") and words in str(e.value)


def test_the_rest_of_the_corpus_builds_with_one_warning_per_bad_pdf(tmp_path, corpus_copy, hostile):
    from ingest.build import build

    for name, raw in {**hostile, "good.pdf": text_pdf()}.items():
        (corpus_copy / name).write_bytes(raw)
    seeds = len([p for p in corpus_copy.iterdir() if p.suffix in (".txt", ".md", ".html", ".pdf")]) - 2
    result = build([corpus_copy], out=tmp_path / "build")
    bad = {Path(p).name: msgs for p, msgs in result.warnings.items() if Path(p).name in hostile}
    assert {n: len(m) for n, m in bad.items()} == {"bomb.pdf": 1, "aes.pdf": 1}
    assert "safety limits" in bad["bomb.pdf"][0] and "encrypted" in bad["aes.pdf"][0]
    docs = {Path(p).name for p in result.manifest["documents"]}
    assert "good.pdf" in docs and not docs & set(hostile) and len(docs) == seeds


def test_the_data_page_says_what_is_wrong_without_a_traceback_or_a_path(app_env, hostile):  # noqa: F811
    at = run(page="data")
    at.file_uploader[0].set_value([(n, raw, "application/pdf") for n, raw in hostile.items()]).run()
    at.button(key="upload_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    errors = sorted(e.value.replace("\\", "") for e in at.error)
    assert len(errors) == 2 and errors[0].startswith("aes.pdf: is an encrypted PDF") and errors[1].startswith(
        "bomb.pdf: is a PDF that expands past"), errors
    shown = " ".join(errors)
    assert "Traceback" not in shown and str(app_env["corpus"].parent) not in shown and "/tmp" not in shown
    assert not any((app_env["corpus"] / n).exists() for n in hostile)
