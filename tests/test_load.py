"""Loader: safe decoding, one-line errors naming the file, EXIF applied once."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cardscan.errors import InputFileError
from cardscan.load import iter_inputs, load_image

LIMIT = 80_000_000


def _jpeg(path: Path, size: tuple[int, int] = (200, 100), exif: Image.Exif | None = None) -> Path:
    arr = np.zeros((size[1], size[0], 3), np.uint8)
    arr[:, : size[0] // 2] = (255, 0, 0)  # left half red, right half black
    Image.fromarray(arr).save(path, "JPEG", quality=95, exif=exif or Image.Exif())
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b""), "empty file (0 bytes)"),
        (lambda p: p.write_text("hello, not a picture"), "not an image (unrecognised format)"),
        (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40), "not an image"),
    ],
)
def test_bad_files_give_one_line_error_naming_the_file(tmp_path, make, message):
    p = tmp_path / "bad.jpg"
    make(p)
    with pytest.raises(InputFileError) as ei:
        load_image(str(p), max_pixels=LIMIT, work_side=2000)
    text = str(ei.value)
    assert text.startswith(f"{p}: ")
    assert message in text
    assert "\n" not in text


def test_truncated_jpeg_is_an_error(tmp_path):
    good = _jpeg(tmp_path / "good.jpg", (600, 400))
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(good.read_bytes()[:700])
    with pytest.raises(InputFileError, match=r"cut\.jpg: cannot decode image"):
        load_image(str(cut), max_pixels=LIMIT, work_side=2000)


def test_missing_file(tmp_path):
    with pytest.raises(InputFileError, match=r"nope\.png: no such file"):
        load_image(str(tmp_path / "nope.png"), max_pixels=LIMIT, work_side=2000)


def test_decompression_bomb_refused_before_decoding(tmp_path):
    p = tmp_path / "bomb.png"
    Image.new("1", (12000, 12000)).save(p)  # 144 MP, a few kB on disk
    assert p.stat().st_size < 100_000
    with pytest.raises(InputFileError, match=r"bomb\.png: image too large \(12000x12000 = 144 MP"):
        load_image(str(p), max_pixels=LIMIT, work_side=2000)


def test_exif_orientation_applied_exactly_once(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6  # stored landscape, shown rotated 90 degrees clockwise
    exif[0x0132] = "2026:03:14 09:26:53"
    p = _jpeg(tmp_path / "rot.jpg", (200, 100), exif)
    img = load_image(str(p), max_pixels=LIMIT, work_side=2000)
    assert img.rgb.shape[:2] == (200, 100)  # portrait now
    top, bottom = img.rgb[10, 50], img.rgb[190, 50]
    assert top[0] > 200 and bottom[0] < 50  # the red (left) half is now on top
    assert img.taken_at == "2026-03-14T09:26:53"
    assert img.full_size == (200, 100)


def test_large_jpeg_decoded_at_reduced_size(tmp_path):
    p = _jpeg(tmp_path / "big.jpg", (4000, 3000))
    img = load_image(str(p), max_pixels=LIMIT, work_side=2000)
    assert img.full_size == (4000, 3000)
    assert img.rgb.shape[:2] == (1500, 2000)  # libjpeg scaled 1/2, no full decode


def test_same_bytes_same_hash(tmp_path):
    a = _jpeg(tmp_path / "a.jpg")
    b = tmp_path / "b.jpg"
    b.write_bytes(a.read_bytes())
    ha = load_image(str(a), max_pixels=LIMIT, work_side=2000).sha256
    assert ha == load_image(str(b), max_pixels=LIMIT, work_side=2000).sha256
    assert len(ha) == 64


def test_iter_inputs_recursive_sorted_images_only(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    for rel in ["b/2.PNG", "a.jpg", "b/1.webp", "notes.txt", ".hidden/x.jpg", "c.tiff"]:
        (tmp_path / rel).write_bytes(b"x")
    got = [Path(p).relative_to(tmp_path).as_posix() for p in iter_inputs([tmp_path])]
    assert got == ["a.jpg", "b/1.webp", "b/2.PNG", "c.tiff"]
    # A file named explicitly is always tried, so it can get an error record.
    assert list(iter_inputs([tmp_path / "notes.txt"])) == [str(tmp_path / "notes.txt")]


def test_16_bit_grey_is_scaled_not_clipped(tmp_path):
    arr = np.full((40, 60), 30000, np.uint16)
    arr[:, :30] = 0
    p = tmp_path / "g16.png"
    Image.fromarray(arr).save(p)
    img = load_image(str(p), max_pixels=LIMIT, work_side=2000)
    assert img.rgb[0, 0].tolist() == [0, 0, 0]
    assert 110 <= int(img.rgb[0, 50, 0]) <= 125  # 30000 / 65535 of white


def test_transparent_background_becomes_white_paper(tmp_path):
    arr = np.zeros((40, 60, 4), np.uint8)
    arr[10:20, 10:50] = (0, 0, 0, 255)  # black ink, the rest transparent
    p = tmp_path / "ink.png"
    Image.fromarray(arr, "RGBA").save(p)
    img = load_image(str(p), max_pixels=LIMIT, work_side=2000)
    assert img.rgb[0, 0].tolist() == [255, 255, 255]
    assert img.rgb[15, 30].tolist() == [0, 0, 0]


def _pages(path: Path) -> list:
    from cardscan.load import load_pages

    return list(load_pages(str(path), max_pixels=LIMIT, work_side=2000))


def _solid(colour: tuple[int, int, int], size: tuple[int, int] = (120, 80)) -> Image.Image:
    return Image.new("RGB", size, colour)


def test_every_frame_of_a_multi_page_tiff_is_its_own_picture(tmp_path):
    p = tmp_path / "scan.tif"
    first, *rest = [_solid(c) for c in ((255, 0, 0), (0, 0, 255), (0, 255, 0))]
    first.save(p, "TIFF", save_all=True, append_images=rest, compression="tiff_deflate")
    pages = _pages(p)
    assert [i.source for i in pages] == [f"{p}#p1", f"{p}#p2", f"{p}#p3"]
    assert [i.page for i in pages] == [1, 2, 3]
    assert [i.rgb[5, 5].tolist() for i in pages] == [[255, 0, 0], [0, 0, 255], [0, 255, 0]]
    # Each page has its own identity in the store; the file's own hash is kept too.
    assert len({i.sha256 for i in pages}) == 3
    assert {i.file_sha256 for i in pages} == {pages[0].file_sha256}
    assert pages[0].file_sha256 not in {i.sha256 for i in pages}


def test_single_frame_file_keeps_its_plain_source_and_hash(tmp_path):
    p = _jpeg(tmp_path / "a.jpg")
    (img,) = _pages(p)
    assert img.source == str(p) and img.page is None and img.sha256 == img.file_sha256


def test_every_pdf_page_is_rendered_with_its_own_source(tmp_path):
    p = tmp_path / "cards.pdf"
    first, second = _solid((255, 0, 0), (850, 550)), _solid((0, 0, 255), (850, 550))
    first.save(p, "PDF", save_all=True, append_images=[second], resolution=100)
    pages = _pages(p)
    assert [i.source for i in pages] == [f"{p}#p1", f"{p}#p2"]
    # 8.5 x 5.5 in at 300 dpi, the colours as drawn (pdfium's BGR turned to RGB).
    h, w, _ = pages[0].rgb.shape
    assert abs(h - 1650) <= 1 and abs(w - 2550) <= 1
    assert np.abs(pages[0].rgb[800, 1200].astype(int) - (255, 0, 0)).max() <= 3  # JPEG inside
    assert np.abs(pages[1].rgb[800, 1200].astype(int) - (0, 0, 255)).max() <= 3


def test_a_broken_pdf_is_a_one_line_error(tmp_path):
    p = tmp_path / "bad.pdf"
    p.write_bytes(b"%PDF-1.7\n" + b"\0" * 200)
    with pytest.raises(InputFileError) as ei:
        _pages(p)
    assert str(ei.value).startswith(f"{p}: cannot read PDF") and "\n" not in str(ei.value)


def test_heic_photo_is_decoded_with_its_orientation_and_date(tmp_path):
    pillow_heif = pytest.importorskip("pillow_heif")
    arr = np.zeros((100, 200, 3), np.uint8)
    arr[:, :100] = (255, 0, 0)  # left half red
    exif = Image.Exif()
    exif[0x0132] = "2026:03:14 09:26:53"
    p = tmp_path / "IMG_0001.HEIC"
    pillow_heif.from_pillow(Image.fromarray(arr)).save(p, quality=90, exif=exif.tobytes())
    (img,) = _pages(p)
    assert img.rgb.shape == (100, 200, 3)
    assert img.rgb[50, 20, 0] > 200 and img.rgb[50, 180, 0] < 60
    assert img.taken_at == "2026-03-14T09:26:53"


def test_heic_without_the_extra_says_how_to_get_it(tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_heif(name, *args, **kwargs):
        if name == "pillow_heif":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    p = tmp_path / "x.heic"
    p.write_bytes(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 64)
    monkeypatch.setattr(builtins, "__import__", no_heif)
    with pytest.raises(InputFileError, match=r"x\.heic: HEIC/HEIF needs the optional extra"):
        _pages(p)


def test_iter_inputs_finds_heic_and_pdf(tmp_path):
    for rel in ["a.HEIC", "b.heif", "c.pdf", "d.txt"]:
        (tmp_path / rel).write_bytes(b"x")
    got = [Path(p).name for p in iter_inputs([tmp_path])]
    assert got == ["a.HEIC", "b.heif", "c.pdf"]
