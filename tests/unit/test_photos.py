"""What is taken as a photo: an image the image library opens, within a size, copied in
chunks; everything else is refused with the reason and nothing is kept."""

import hashlib
import io
from pathlib import Path

import pytest
from fake_photos import photo_at

import station.photos
from station.photos import PHOTO_LARGEST, NotAPhoto, keep_photo


def kept_files(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize(("name", "suffix"), [("Unit.JPG", ".jpg"), ("unit.png", ".png")])
def test_a_photo_is_copied_whole_under_its_format(tmp_path: Path, name: str, suffix: str) -> None:
    source = photo_at(tmp_path / name)
    kept = keep_photo(tmp_path / "photos", source)
    assert kept.path.suffix == suffix
    assert kept.path.read_bytes() == source.read_bytes()
    assert kept.sha256 == hashlib.sha256(source.read_bytes()).hexdigest()


def test_a_photo_is_kept_under_the_format_it_is_in_not_the_name_it_was_given(
    tmp_path: Path,
) -> None:
    renamed = tmp_path / "unit.jpg"
    photo_at(tmp_path / "unit.png").rename(renamed)
    assert keep_photo(tmp_path / "photos", renamed).path.suffix == ".png"


def test_a_photo_is_copied_a_chunk_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(station.photos, "CHUNK", 10)
    source = photo_at(tmp_path / "unit.png", "blue")
    assert keep_photo(tmp_path / "photos", source).path.read_bytes() == source.read_bytes()


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (Path("/etc/passwd").read_bytes(), "passwd is not a photo"),
        (b"", "passwd is not a photo"),
        (b"\xff\xd8\xff\xe0 only the start of a JPEG", "passwd is a damaged image"),
    ],
    ids=["text", "empty", "jpeg-start"],
)
def test_a_file_that_is_not_an_image_is_refused_and_not_kept(
    tmp_path: Path, content: bytes, said: str
) -> None:
    source = tmp_path / "passwd"
    source.write_bytes(content)
    with pytest.raises(NotAPhoto, match=said):
        keep_photo(tmp_path / "photos", source)
    assert kept_files(tmp_path / "photos") == []


def test_a_damaged_image_is_refused_and_not_kept(tmp_path: Path) -> None:
    whole = photo_at(tmp_path / "unit.png").read_bytes()
    cut = tmp_path / "cut.png"
    cut.write_bytes(whole[: len(whole) - 20])  # the image data ends early
    with pytest.raises(NotAPhoto, match=r"cut\.png is a damaged image"):
        keep_photo(tmp_path / "photos", cut)
    assert kept_files(tmp_path / "photos") == []


def test_a_device_is_refused_without_being_read(tmp_path: Path) -> None:
    # /dev/zero never ends: reading it whole ran the station out of memory.
    with pytest.raises(NotAPhoto, match="zero is not a file"):
        keep_photo(tmp_path / "photos", Path("/dev/zero"))
    assert kept_files(tmp_path / "photos") == []


def test_a_file_larger_than_a_photo_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.jpg"
    with huge.open("wb") as file:
        file.write(photo_at(tmp_path / "unit.jpg").read_bytes())
        file.truncate(PHOTO_LARGEST + 1)  # sparse: no disk is used
    with pytest.raises(NotAPhoto, match=r"huge\.jpg is 25 MB, more than a photo's 25 MB"):
        keep_photo(tmp_path / "photos", huge)
    assert kept_files(tmp_path / "photos") == []


def test_a_file_that_grows_past_the_limit_while_copied_is_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(station.photos, "CHUNK", 10)
    monkeypatch.setattr(station.photos, "PHOTO_LARGEST", 100)
    target = tmp_path / "kept.png"
    with pytest.raises(NotAPhoto, match=r"unit\.png grew past"):
        station.photos._copy(io.BytesIO(bytes(101)), target, "unit.png")
    assert not target.exists()
