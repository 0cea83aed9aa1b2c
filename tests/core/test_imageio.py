from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photoindex.core.imageio import DecodeError, load_image
from tests.photos import bomb_png, make_library, save_jpeg, scene


def _marker_image() -> Image.Image:
    """Landscape 300x200, a red block in the top-left corner."""
    img = Image.new("RGB", (300, 200), (255, 255, 255))
    img.paste((255, 0, 0), (0, 0, 60, 60))
    return img


# The transform a camera applied; EXIF orientation o asks the viewer to undo it.
_CAMERA = {
    1: lambda im: im,
    2: lambda im: im.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
    3: lambda im: im.transpose(Image.Transpose.ROTATE_180),
    4: lambda im: im.transpose(Image.Transpose.FLIP_TOP_BOTTOM),
    5: lambda im: im.transpose(Image.Transpose.TRANSPOSE),
    6: lambda im: im.transpose(Image.Transpose.ROTATE_90),
    7: lambda im: im.transpose(Image.Transpose.TRANSVERSE),
    8: lambda im: im.transpose(Image.Transpose.ROTATE_270),
}


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_comes_out_upright(tmp_path: Path, orientation: int) -> None:
    stored = _CAMERA[orientation](_marker_image())
    path = save_jpeg(tmp_path / f"o{orientation}.jpg", stored, orientation=orientation)
    out = load_image(path, min_side=0)
    assert (out.width, out.height) == (300, 200)
    arr = np.asarray(out.image)
    assert arr.shape[:2] == (200, 300)
    assert arr[10, 10, 0] > 200 and arr[10, 10, 1] < 80, "red marker must be top-left after orientation"
    assert arr[190, 290].min() > 200


def test_jpeg_draft_mode_decodes_small_but_reports_full_size(tmp_path: Path) -> None:
    path = save_jpeg(tmp_path / "big.jpg", scene(1, (4000, 3000)))
    out = load_image(path, min_side=256)
    assert (out.width, out.height) == (4000, 3000)
    assert 256 <= min(out.image.size) <= 512


def test_exif_date_taken(tmp_path: Path) -> None:
    path = save_jpeg(tmp_path / "dated.jpg", scene(2), date="2019:07:14 18:30:00")
    out = load_image(path)
    import time

    assert time.localtime(out.taken_at)[:5] == (2019, 7, 14, 18, 30)


@pytest.mark.parametrize(
    "maker, reason",
    [
        (lambda d: (d / "zero.jpg").write_bytes(b"") or d / "zero.jpg", "empty file"),
        (lambda d: (d / "notes.jpg").write_text("hello") and d / "notes.jpg", "not an image"),
        (lambda d: bomb_png(d / "bomb.png"), "too large"),
    ],
)
def test_bad_files_raise_one_line_reasons(tmp_path: Path, maker, reason: str) -> None:
    path = maker(tmp_path)
    with pytest.raises(DecodeError) as info:
        load_image(path)
    assert reason in str(info.value)
    assert "\n" not in str(info.value)


def test_truncated_jpeg_is_reported(tmp_path: Path) -> None:
    good = save_jpeg(tmp_path / "good.jpg", scene(3, (1200, 900)))
    data = good.read_bytes()
    bad = tmp_path / "truncated.jpg"
    bad.write_bytes(data[: len(data) // 3])
    with pytest.raises(DecodeError, match="truncated"):
        load_image(bad)


def test_modes_become_sensible_rgb(tmp_path: Path) -> None:
    lib = make_library(tmp_path / "lib", n_good=1)
    by_name = {p.name: p for p in lib["good"]}
    gray16 = np.asarray(load_image(by_name["gray16.png"], min_side=0).image)
    # A 16-bit ramp must stay a ramp, not clip to white.
    assert gray16[0, 0, 0] < 10 and gray16[-1, -1, 0] > 245 and 100 < gray16[128, 128, 0] < 160
    alpha = load_image(by_name["palette_alpha.png"], min_side=0).image
    assert alpha.mode == "RGB"
    cmyk = np.asarray(load_image(by_name["cmyk.jpg"], min_side=0).image).astype(int)
    ref = np.asarray(scene(302)).astype(int)
    assert np.abs(cmyk - ref).mean() < 25, "CMYK must convert to the same colours"
    gif = load_image(by_name["anim.gif"], min_side=0).image
    assert np.abs(np.asarray(gif).astype(int) - np.asarray(scene(301, (160, 120))).astype(int)).mean() < 40
    for p in lib["good"]:
        out = load_image(p)
        assert out.image.mode == "RGB" and min(out.image.size) > 0, p.name


def test_heic_is_read(tmp_path: Path) -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    path = tmp_path / "phone.heic"
    try:
        scene(7).save(path)
    except Exception as exc:  # pragma: no cover - wheel without an encoder
        pytest.skip(f"no HEIF encoder: {exc}")
    out = load_image(path, min_side=0)
    assert (out.width, out.height) == (640, 480)


def test_raw_without_preview_gives_clear_reason(tmp_path: Path) -> None:
    path = tmp_path / "camera.dng"
    path.write_bytes(b"II*\x00" + b"\x00" * 64)
    with pytest.raises(DecodeError) as info:
        load_image(path)
    assert "RAW" in str(info.value) or "raw" in str(info.value)


def test_unreadable_file_is_a_clear_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # chmod 000 does not stop root (CI runs as root), so the OS refusal is simulated.
    from photoindex.core import imageio

    path = save_jpeg(tmp_path / "locked.jpg", scene(1))

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(imageio, "open", refuse, raising=False)
    with pytest.raises(DecodeError, match="permission denied"):
        load_image(path)


def test_byte_budget_bounds_what_is_held_and_lets_a_huge_request_run_alone() -> None:
    import threading
    import time

    from photoindex.core.imageio import ByteBudget

    budget = ByteBudget(100)
    held: list[int] = []
    most = 0
    lock = threading.Lock()

    def job(n: int) -> None:
        nonlocal most
        with budget.hold(n):
            with lock:
                held.append(n)
                most = max(most, sum(held))
            time.sleep(0.02)
            with lock:
                held.remove(n)

    sizes = [40, 40, 40, 500, 40, 10, 60]
    threads = [threading.Thread(target=job, args=(n,)) for n in sizes]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert not any(t.is_alive() for t in threads), "a request larger than the budget must not wait forever"
    assert most <= 500 and budget.in_use == 0
    assert budget.peak <= 100


def test_decode_takes_its_estimated_size_from_the_budget(tmp_path: Path) -> None:
    from photoindex.core.imageio import ByteBudget, decoded_bytes

    png = tmp_path / "big.png"
    scene(1, (1600, 1200)).save(png)
    budget = ByteBudget(1 << 30)
    out = load_image(png, min_side=256, budget=budget)
    assert budget.peak == decoded_bytes("RGB", 1600, 1200) and budget.in_use == 0
    assert min(out.image.size) == 256

    # JPEG is decoded at a reduced scale (draft mode): only that is taken from the budget.
    jpg = save_jpeg(tmp_path / "big.jpg", scene(2, (4000, 3000)))
    budget = ByteBudget(1 << 30)
    load_image(jpg, min_side=256, budget=budget)
    assert 0 < budget.peak <= decoded_bytes("RGB", 1000, 750)


def test_a_refused_read_is_not_reported_as_a_broken_image(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from photoindex.core import imageio

    path = save_jpeg(tmp_path / "on-a-share.jpg", scene(1))

    def io_error(*args, **kwargs):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(imageio, "open", io_error, raising=False)
    with pytest.raises(DecodeError) as info:
        load_image(path)
    assert imageio.is_transient_reason(str(info.value))
    assert str(info.value) == "cannot read: Input/output error"
