import pytest

from workbench.ingest.encoding import decode
from workbench.errors import InputError

RU = "Президент России заявил, что переговоры в Минске были очень продуктивными. Стороны договорились о совместных учениях."


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_unicode_encodings(encoding):
    data = RU.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):
        data = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}[encoding] + data
    text, _ = decode(data, "x.txt")
    assert text == RU


@pytest.mark.parametrize("encoding", ["cp1251", "koi8-r"])
def test_russian_code_pages(encoding):
    text, found = decode(RU.encode(encoding), "x.txt")
    assert text == RU
    assert found == encoding


def test_utf16_without_bom():
    text, found = decode(("Hello analysts, " * 20).encode("utf-16-le"), "x.txt")
    assert found == "utf-16-le" and text.startswith("Hello analysts")


def test_latin1_text_still_reads():
    text, _ = decode("Café au lait in Zürich, naïve résumé.".encode("cp1252"), "x.txt")
    assert "Zürich" in text


@pytest.mark.parametrize("data,problem", [
    (b"", "empty file"),
    (b"   \n\t ", "empty file"),
    (bytes(range(256)) * 20, "binary file"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00\x01\x02" * 300, "binary file"),
])
def test_bad_bytes(data, problem):
    with pytest.raises(InputError) as info:
        decode(data, "bad.txt")
    assert str(info.value).startswith("bad.txt: ")
    assert problem in str(info.value)
