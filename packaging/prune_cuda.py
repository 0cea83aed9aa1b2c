"""Make a PyInstaller folder of the CUDA build of PyTorch into a CPU bundle: prune_cuda.py BUNDLE/_internal

PyPI's only Linux x86_64 torch wheel is the CUDA build (the CPU wheels live on download.pytorch.org,
which a build machine may not reach, and PyPI's torchvision links the CUDA libraries anyway).
Measured with torch 2.14.1:

- `libtorch.so`, `libtorch_python.so` and torchvision's `_C_stable.so` list `libtorch_cuda.so` and
  `libcudart.so.13` as DT_NEEDED, and `libtorch_cuda.so` in turn needs cuBLAS(Lt), cuFFT, cuSPARSE(Lt),
  cuRAND, NCCL, NVRTC, cuDNN, cuFile and NVSHMEM: `import torch` fails without them
  ("libcublas.so.13: cannot open shared object file"), even on a machine that has no GPU.
- On a CPU none of their functions is ever called: torch asks `libcudart` for the device count
  (0, or an error without a driver) and never initialises CUDA.
- cuDNN's engines, cuSOLVER, NVRTC's builtins and the profiler libraries are opened with dlopen
  only when a GPU kernel needs them; triton (torch.compile's GPU code generator) is imported lazily.

So this script (1) deletes every CUDA library that no kept library lists as DT_NEEDED (and
`libtorch_cuda_linalg.so`, dlopened for linear algebra on a GPU), and (2) replaces each large
DT_NEEDED CUDA library by a stand-in of a few hundred KB with the same SONAME, the same symbol
versions and the same exported symbols, whose functions all return a CUDA error code (100,
cudaErrorNoDevice) and whose data symbols are zero-filled. The dynamic loader is satisfied and
nothing calls them. `libcudart` itself stays real (it answers "no device"), so does everything small.
A user with an NVIDIA GPU who wants it used installs photoindex with pip instead (README).
The list of what was done is written to BUNDLE/_internal/CUDA-STAND-INS.txt.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

STAND_IN_OVER = 2 * 1024 * 1024  # bytes: smaller CUDA libraries are kept as they are
# libcudart answers torch's device-count question honestly; libcupti is linked by libtorch_cpu for
# its profiler (kineto) and libcufile by libtorch_python: small, and kept real in case their
# initialisation runs at load.
KEEP_REAL = ("libcudart.so", "libcupti.so", "libcufile.so")
DROP_ALWAYS = ("libtorch_cuda_linalg.so",)  # dlopened by torch for linalg on a GPU only


def is_cuda(path: Path, root: Path) -> bool:
    rel = path.relative_to(root).as_posix()
    return rel.startswith(("nvidia/", "triton/", "cuda/")) or path.name.startswith(
        ("libcu", "libnv", "libnccl", "libcudnn"))


def is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def needed(path: Path) -> list[str]:
    out = subprocess.run(["readelf", "-d", "-W", str(path)], capture_output=True, text=True, check=False).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def soname(path: Path) -> str | None:
    out = subprocess.run(["readelf", "-d", "-W", str(path)], capture_output=True, text=True, check=False).stdout
    m = re.search(r"\(SONAME\)\s+Library soname: \[([^\]]+)\]", out)
    return m.group(1) if m else None


def elf_files(root: Path) -> dict[Path, list[Path]]:
    """Real ELF file -> the names (it and its symlinks) it is reachable by."""
    files: dict[Path, list[Path]] = {}
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            p = Path(dirpath) / name
            real = p.resolve()
            if real.is_file() and is_elf(real):
                files.setdefault(real, []).append(p)
    return files


def names_of(files: dict[Path, list[Path]]) -> dict[str, list[Path]]:
    """File name or SONAME -> every file by that name (torchvision.libs carries its own libcudart
    with the same SONAME as nvidia's: which one the loader takes depends on the RPATH, so all count)."""
    by_name: dict[str, list[Path]] = {}
    for real, names in files.items():
        for key in {n.name for n in names} | {soname(real) or real.name}:
            by_name.setdefault(key, []).append(real)
    return by_name


def closure(roots: list[Path], by_name: dict[str, list[Path]]) -> set[Path]:
    seen: set[Path] = set()
    todo = list(roots)
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        for lib in needed(p):
            todo.extend(by_name.get(lib, []))
    return seen


def dynamic_symbols(path: Path) -> list[tuple[str, str, int, str, str | None]]:
    """(name, type, size, bind, default version) of every defined dynamic symbol."""
    out = subprocess.run(["readelf", "--dyn-syms", "-W", str(path)], capture_output=True, text=True,
                         check=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 8 or not parts[0].endswith(":") or parts[6] in ("UND", "ABS"):
            continue
        _num, _value, size, kind, bind, _vis, _ndx, name = parts[:8]
        if kind not in ("FUNC", "OBJECT", "IFUNC", "TLS", "NOTYPE") or bind == "LOCAL":
            continue
        version = None
        if "@@" in name:
            name, version = name.split("@@", 1)
        elif "@" in name:
            continue  # a non-default (old) version: nothing links against it anew
        version = version.split(" ")[0] if version else None
        size_n = int(size, 0) if size.startswith("0x") else int(size)
        syms.append((name, kind, size_n, bind, version))
    return syms


def stand_in(real: Path, dest: Path, workdir: Path) -> None:
    syms = dynamic_symbols(real)
    name = soname(real) or real.name
    asm = [".text"]
    data = []
    for sym, kind, size, bind, _version in syms:
        label = f'"{sym}"'
        vis = ".weak" if bind == "WEAK" else ".globl"
        if kind in ("FUNC", "IFUNC", "NOTYPE"):
            asm += [f"{vis} {label}", f".type {label},@function", f"{label}:", "  movl $100, %eax", "  ret"]
        elif kind == "OBJECT":
            n = max(size, 8)
            data += [f"{vis} {label}", f".type {label},@object", ".balign 16", f".size {label}, {n}",
                     f"{label}:", f"  .zero {n}"]
        elif kind == "TLS":
            n = max(size, 8)
            data += [".section .tbss,\"awT\",@nobits", f"{vis} {label}", f".type {label},@tls_object",
                     f".size {label}, {n}", f"{label}:", f"  .zero {n}", ".data"]
    src = workdir / (real.name + ".S")
    src.write_text("\n".join(asm + [".data"] + data + ['.section .note.GNU-stack,"",@progbits', ""]))
    versions: dict[str, list[str]] = {}
    for sym, _kind, _size, _bind, version in syms:
        versions.setdefault(version or "", []).append(sym)
    cmd = ["gcc", "-shared", "-nostdlib", "-o", str(dest), str(src), f"-Wl,-soname,{name}"]
    named = [v for v in versions if v]
    if named:
        # Unversioned exports beside versioned ones go into the first node: an unversioned
        # reference binds to any default version.
        versions.setdefault(named[0], []).extend(versions.pop("", []))
        script = workdir / (real.name + ".map")
        script.write_text("".join(
            f"{v} {{\n  global:\n" + "".join(f'    "{n}";\n' for n in versions[v]) + "};\n" for v in named))
        cmd.append(f"-Wl,--version-script,{script}")
    subprocess.run(cmd, check=True)


def main(root: Path) -> None:
    files = elf_files(root)
    by_name = names_of(files)
    report: list[str] = []
    before = sum(p.stat().st_size for p in files)

    # (2) stand-ins for the large CUDA libraries something kept links against.
    roots = [p for p in files if not is_cuda(p, root) and not p.name.startswith(DROP_ALWAYS)]
    linked = closure(roots, by_name)
    with tempfile.TemporaryDirectory() as tmp:
        for real in sorted(linked):
            size = real.stat().st_size
            if not is_cuda(real, root) or size <= STAND_IN_OVER or real.name.startswith(KEEP_REAL):
                continue
            out = Path(tmp) / real.name
            stand_in(real, out, Path(tmp))
            real.unlink()  # the bundle may be hard links into PyInstaller's folder: replace, never edit
            out.replace(real)
            report.append(f"stand-in {real.relative_to(root)} ({size / 2**20:.0f} MB -> "
                          f"{real.stat().st_size / 2**10:.0f} KB)")

    # (1) drop what nothing kept links against (recomputed: the stand-ins need nothing).
    files = elf_files(root)
    roots = [p for p in files if not is_cuda(p, root) and not p.name.startswith(DROP_ALWAYS)]
    linked = closure(roots, names_of(files))
    for real, names in sorted(files.items()):
        if real in linked or not (is_cuda(real, root) or real.name.startswith(DROP_ALWAYS)):
            continue
        size = real.stat().st_size
        for n in names:
            if n.is_symlink():
                n.unlink()
        real.unlink(missing_ok=True)
        report.append(f"dropped  {real.relative_to(root)} ({size / 2**20:.0f} MB, opened only on a GPU)")
    for path in sorted(root.rglob("*"), reverse=True):  # dangling links and empty folders left behind
        if path.is_symlink() and not path.exists():
            path.unlink()
    after = sum(p.stat().st_size for p in elf_files(root))
    report.append(f"shared libraries: {before / 2**30:.2f} GiB -> {after / 2**30:.2f} GiB")
    (root / "CUDA-STAND-INS.txt").write_text(__doc__ + "\n" + "\n".join(report) + "\n")
    print("\n".join(report))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: prune_cuda.py BUNDLE/_internal")
    main(Path(sys.argv[1]).resolve())
