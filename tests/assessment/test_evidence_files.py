"""Damaged evidence files are refused with a clear message, never a server error: each kind of
damage is built here, in the test, from a good file."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from residentvoice.assessment import services
from residentvoice.assessment.models import Evidence, Stage
from residentvoice.core.files.uploads import DOCUMENTS

from .conftest import YEAR, item_of, move_to

pytestmark = pytest.mark.django_db

WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"


def office(kind: str = "docx") -> bytes:
    """A small, good Office Open XML or OpenDocument file, its main part compressed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if kind == "odt":
            archive.writestr(zipfile.ZipInfo("mimetype"), ODT)  # stored first, as ODF requires
            main = "content.xml"
        else:
            archive.writestr("[Content_Types].xml", "<Types/>")
            main = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/p.xml"}[
                kind
            ]
        archive.writestr(
            main, "<text>The panel met six times.</text>" * 40, compress_type=zipfile.ZIP_DEFLATED
        )
    return buffer.getvalue()


def _main_part(data: bytes) -> zipfile.ZipInfo:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return next(info for info in archive.infolist() if info.compress_type != 0)


def corrupt_stream(data: bytes) -> bytes:
    """Overwrite the start of the compressed part: deflate refuses it (zlib.error)."""
    info = _main_part(data)
    name_length, extra_length = struct.unpack(
        "<HH", data[info.header_offset + 26 : info.header_offset + 30]
    )
    start = info.header_offset + 30 + name_length + extra_length
    return data[:start] + b"\xff" * 8 + data[start + 8 :]


def _patch_part(data: bytes, *, local: tuple[int, bytes], central: tuple[int, bytes]) -> bytes:
    """Write bytes into the main part's local header and its central directory entry."""
    info = _main_part(data)
    raw = bytearray(data)
    offset, value = local
    raw[info.header_offset + offset : info.header_offset + offset + len(value)] = value
    directory = raw.find(b"PK\x01\x02")
    while directory != -1:
        name_length = struct.unpack("<H", raw[directory + 28 : directory + 30])[0]
        if raw[directory + 46 : directory + 46 + name_length].decode() == info.filename:
            offset, value = central
            raw[directory + offset : directory + offset + len(value)] = value
        directory = raw.find(b"PK\x01\x02", directory + 4)
    return bytes(raw)


def unsupported_method(data: bytes) -> bytes:
    """Claim a compression method Python cannot read (NotImplementedError)."""
    method = struct.pack("<H", 97)
    return _patch_part(data, local=(8, method), central=(10, method))


def encrypted(data: bytes) -> bytes:
    """Mark the main part as password-protected (RuntimeError)."""
    info = _main_part(data)
    flags = struct.pack("<H", info.flag_bits | 0x1)
    return _patch_part(data, local=(6, flags), central=(8, flags))


def truncated(data: bytes) -> bytes:
    """Cut the file short, losing the zip's directory (BadZipFile)."""
    return data[: len(data) // 2]


def image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 90)).save(buffer, fmt)
    return buffer.getvalue()


DAMAGED_FILES = {
    "docx, corrupted compressed stream": lambda: corrupt_stream(office("docx")),
    "xlsx, unsupported compression method": lambda: unsupported_method(office("xlsx")),
    "pptx, encrypted part": lambda: encrypted(office("pptx")),
    "docx, cut short": lambda: truncated(office("docx")),
    "odt, corrupted compressed stream": lambda: corrupt_stream(office("odt")),
    "odt, encrypted part": lambda: encrypted(office("odt")),
    "odt, unsupported compression method": lambda: unsupported_method(office("odt")),
    "png, cut short": lambda: image("PNG")[:-40],
    "jpeg, cut short": lambda: image("JPEG")[: len(image("JPEG")) // 2],
    "gif, cut short": lambda: image("GIF")[:30],
    "png, corrupted data": lambda: image("PNG")[:50] + b"\x00" * 40 + image("PNG")[90:],
}


@pytest.fixture
def item(cycle, landlord):
    move_to(cycle, Stage.SELF_ASSESSMENT)
    return item_of(cycle, landlord, 1)


@pytest.mark.parametrize("kind", ["docx", "xlsx", "pptx", "odt"])
def test_good_office_files_are_accepted(item, people, kind):
    evidence = services.evidence_add(
        item=item,
        by=people["landlord_officer"],
        title="Strategy",
        file=SimpleUploadedFile(f"strategy.{kind}", office(kind)),
    )
    assert DOCUMENTS.type_for(evidence.content_type) is not None


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF"])
def test_good_images_are_accepted(item, people, fmt):
    evidence = services.evidence_add(
        item=item,
        by=people["landlord_officer"],
        title="Photo of the notice board",
        file=SimpleUploadedFile("photo", image(fmt)),
    )
    assert evidence.content_type == f"image/{fmt.lower()}"


@pytest.mark.parametrize("damage", sorted(DAMAGED_FILES))
def test_a_damaged_file_is_refused_as_damaged(item, people, damage):
    upload = SimpleUploadedFile("evidence.bin", DAMAGED_FILES[damage]())
    with pytest.raises(ValidationError) as refused:
        services.evidence_add(item=item, by=people["landlord_officer"], title="T", file=upload)
    assert "damaged" in refused.value.message_dict["file"][0]
    assert not Evidence.objects.filter(item=item).exists()


@pytest.mark.parametrize("damage", sorted(DAMAGED_FILES))
def test_the_page_says_damaged_and_keeps_the_rest_of_the_form(
    client, item, landlord, people, damage
):
    client.force_login(people["landlord_officer"])
    url = reverse(
        "assessment:evidence-add", kwargs={"year": YEAR, "slug": landlord.slug, "number": 1}
    )
    response = client.post(
        url,
        {
            "evidence-title": "Panel minutes, spring",
            "evidence-page": "p. 12",
            "evidence-excerpt": "Residents chaired the meeting",
            "evidence-file": SimpleUploadedFile("minutes.docx", DAMAGED_FILES[damage]()),
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "The file is damaged and cannot be opened" in body
    assert 'value="Panel minutes, spring"' in body
    assert "Residents chaired the meeting" in body
    assert not Evidence.objects.filter(item=item).exists()
