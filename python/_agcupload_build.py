"""The PEP 517 build backend of the agcupload Python package (in-tree, no dependencies).

`pip install ./python` (or `pip wheel ./python`) calls it: it builds the Rust library with
cargo, exactly as `make lib` does (`cargo build --release --workspace`, so a tree already built
by make is reused as is; cargo names the C library libagcupload_ffi, the wheel carries it as
libagcupload), and packs the package `agcupload/` together with the shared library
into a `py3-none-<platform>` wheel. The package holds no Python extension module (it loads the
library through ctypes), so the wheel fits every Python 3 of that platform, and no compiler
for Python extensions is involved.

The Rust workspace is looked for in $AGCUPLOAD_CRATE_DIR, then the directory above this file
(the repository), then `rust/` beside it (the sdist's layout). CARGO names the cargo to run
(default: `cargo` on PATH, else ~/.cargo/bin/cargo); CARGO_TARGET_DIR is honoured by cargo.

Release wheels (`make dist`) are built from a library built elsewhere, through PEP 517 config
settings (`pip wheel ./python -C KEY=VALUE`):
  prebuilt-library=PATH   ship this libagcupload instead of running cargo (the portable glibc
                          2.17 build, whose tag the next setting then states honestly)
  platform-tag=TAG        the wheel's platform tag instead of this machine's, e.g.
                          manylinux_2_17_x86_64.manylinux2014_x86_64 (a dotted set of tags)
  notices=PATH            a THIRD-PARTY-NOTICES file to ship in .dist-info beside the licenses
"""
import base64
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = "agcupload"


# ---------------------------------------------------------------- metadata


def _toml(path):
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # get_requires_for_build_* asked for it
        import tomli as tomllib
    with open(path, "rb") as f:
        return tomllib.load(f)


def _crate_dir():
    env = os.environ.get("AGCUPLOAD_CRATE_DIR")
    candidates = [env] if env else [os.path.dirname(HERE), os.path.join(HERE, "rust")]
    for d in candidates:
        if d and os.path.isfile(os.path.join(d, "Cargo.toml")) and os.path.isdir(os.path.join(d, "crates")):
            return os.path.abspath(d)
    raise RuntimeError("agcupload build: the Rust crate (Cargo.toml) was not found in %s; "
                       "build from the repository's python/ directory or an sdist, or set "
                       "AGCUPLOAD_CRATE_DIR" % ", ".join(c for c in candidates if c))


def _version():
    """The library's version is the package's: the workspace's version (Cargo.toml)."""
    cargo = _toml(os.path.join(_crate_dir(), "Cargo.toml"))
    return cargo["workspace"]["package"]["version"]


def _project():
    return _toml(os.path.join(HERE, "pyproject.toml"))["project"]


def _metadata():
    p = _project()
    lines = ["Metadata-Version: 2.1", "Name: " + p["name"], "Version: " + _version(),
             "Summary: " + p["description"], "Requires-Python: " + p["requires-python"]]
    lic = p.get("license", {})
    if isinstance(lic, dict) and "text" in lic:
        lines.append("License: " + lic["text"])
    for c in p.get("classifiers", []):
        lines.append("Classifier: " + c)
    for label, url in p.get("urls", {}).items():
        lines.append("Project-URL: %s, %s" % (label, url))
    body = ""
    readme = p.get("readme")
    if readme:
        with open(os.path.join(HERE, readme), encoding="utf-8") as f:
            body = f.read()
        lines.append("Description-Content-Type: text/markdown")
    return "\n".join(lines) + "\n\n" + body


def _dist_name():
    return "%s-%s" % (PACKAGE, _version())


# ---------------------------------------------------------------- the Rust library


def _library_file_name(stem="agcupload"):
    """The shared library's file name: `agcupload` as shipped, `agcupload_ffi` as cargo names it."""
    if sys.platform == "win32":
        return stem + ".dll"
    if sys.platform == "darwin":
        return "lib%s.dylib" % stem
    return "lib%s.so" % stem


def _cargo():
    cargo = os.environ.get("CARGO") or shutil.which("cargo")
    if not cargo:
        home = os.path.join(os.path.expanduser("~"), ".cargo", "bin", "cargo")
        if os.path.isfile(home):
            cargo = home
    if not cargo:
        raise RuntimeError("agcupload build: cargo not found (install Rust, or set CARGO)")
    return cargo


def _build_library():
    """Runs cargo like `make lib` and returns the path of the built shared library."""
    crate, cargo = _crate_dir(), _cargo()
    manifest = os.path.join(crate, "Cargo.toml")
    # stdout of a build hook is the frontend's; cargo's progress goes to stderr anyway.
    subprocess.run([cargo, "build", "--release", "--workspace", "--manifest-path", manifest],
                   check=True, stdout=sys.stderr)
    meta = subprocess.run([cargo, "metadata", "--format-version", "1", "--no-deps", "--manifest-path", manifest],
                          check=True, stdout=subprocess.PIPE).stdout
    target = json.loads(meta)["target_directory"]
    lib = os.path.join(target, "release", _library_file_name("agcupload_ffi"))
    if not os.path.isfile(lib):
        raise RuntimeError("agcupload build: cargo finished but %s is missing" % lib)
    return lib


# ---------------------------------------------------------------- wheel


def _platform_tag():
    return re.sub(r"[^A-Za-z0-9]", "_", sysconfig.get_platform())


_SETTINGS = ("prebuilt-library", "platform-tag", "notices")


def _setting(config_settings, key):
    """One config setting (a string), or None; an unknown or repeated key is refused."""
    settings = config_settings or {}
    unknown = sorted(set(settings) - set(_SETTINGS))
    if unknown:
        raise ValueError("agcupload build: unknown config setting(s) %s (known: %s)"
                         % (", ".join(unknown), ", ".join(_SETTINGS)))
    value = settings.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError("agcupload build: config setting %s given more than once" % key)
    return value or None


def _tags(config_settings):
    """The wheel's tags: py3-none-PLATFORM for each platform of the (dotted) platform tag."""
    platform = _setting(config_settings, "platform-tag") or _platform_tag()
    parts = platform.split(".")
    if not all(re.fullmatch(r"[a-z0-9_]+", p) for p in parts):
        raise ValueError("agcupload build: platform-tag %r is not a platform tag (lowercase letters, "
                         "digits and _, several joined by .)" % platform)
    return ["py3-none-" + p for p in parts], "py3-none-" + platform


def _existing_file(config_settings, key):
    path = _setting(config_settings, key)
    if path is not None and not os.path.isfile(path):
        raise FileNotFoundError("agcupload build: %s=%s: no such file" % (key, path))
    return path


def _package_files():
    """(archive name, absolute path) of every file of the Python package."""
    root = os.path.join(HERE, PACKAGE)
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith((".pyc", ".so", ".dylib", ".dll")):
                continue
            full = os.path.join(dirpath, name)
            out.append((os.path.relpath(full, HERE).replace(os.sep, "/"), full))
    return out


class _Wheel:
    def __init__(self, path):
        self.zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED)
        self.record = []

    def add(self, name, data, mode=0o644):
        info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
        info.external_attr = (0o100000 | mode) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        self.zip.writestr(info, data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        self.record.append("%s,sha256=%s,%d" % (name, digest, len(data)))

    def close(self, record_name):
        self.record.append(record_name + ",,")
        self.zip.writestr(zipfile.ZipInfo(record_name, date_time=(2020, 1, 1, 0, 0, 0)),
                          "\n".join(self.record) + "\n")
        self.zip.close()


def _dist_info_files(tags):
    wheel = "Wheel-Version: 1.0\nGenerator: agcupload _agcupload_build\nRoot-Is-Purelib: false\n"
    wheel += "".join("Tag: %s\n" % t for t in tags)
    return {"METADATA": _metadata(), "WHEEL": wheel}


def get_requires_for_build_wheel(config_settings=None):
    return [] if sys.version_info >= (3, 11) else ["tomli>=1.1"]


get_requires_for_build_sdist = get_requires_for_build_wheel


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    dist_info = _dist_name() + ".dist-info"
    os.makedirs(os.path.join(metadata_directory, dist_info), exist_ok=True)
    for name, text in _dist_info_files(_tags(config_settings)[0]).items():
        with open(os.path.join(metadata_directory, dist_info, name), "w", encoding="utf-8") as f:
            f.write(text)
    return dist_info


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    tags, tag = _tags(config_settings)
    notices = _existing_file(config_settings, "notices")
    lib = _existing_file(config_settings, "prebuilt-library") or _build_library()
    file_name = "%s-%s.whl" % (_dist_name(), tag)
    wheel = _Wheel(os.path.join(wheel_directory, file_name))
    try:
        for name, full in _package_files():
            with open(full, "rb") as f:
                wheel.add(name, f.read())
        with open(lib, "rb") as f:
            wheel.add("%s/%s" % (PACKAGE, _library_file_name()), f.read(), mode=0o755)
        dist_info = _dist_name() + ".dist-info"
        for name, text in _dist_info_files(tags).items():
            wheel.add("%s/%s" % (dist_info, name), text.encode("utf-8"))
        for lic in ("LICENSE", "LICENSE-MIT", "LICENSE-APACHE"):
            path = os.path.join(_crate_dir(), lic)
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    wheel.add("%s/%s" % (dist_info, lic), f.read())
        if notices:
            with open(notices, "rb") as f:
                wheel.add("%s/THIRD-PARTY-NOTICES" % dist_info, f.read())
        wheel.close(dist_info + "/RECORD")
    except BaseException:
        wheel.zip.close()
        os.unlink(os.path.join(wheel_directory, file_name))
        raise
    return file_name


# ---------------------------------------------------------------- sdist


def _crate_members(crate):
    """The workspace's member directories (relative), so the sdist's cargo sees the workspace."""
    members = _toml(os.path.join(crate, "Cargo.toml")).get("workspace", {}).get("members", [])
    return [m for m in members if m not in (".", "")]


def build_sdist(sdist_directory, config_settings=None):
    """pyproject.toml, this backend and the package at the top; the Rust workspace under rust/."""
    crate = _crate_dir()
    base = _dist_name()
    path = os.path.join(sdist_directory, base + ".tar.gz")

    def skip(info):
        parts = info.name.split("/")
        if "target" in parts or "__pycache__" in parts or info.name.endswith((".pyc", ".so", ".dylib", ".dll")):
            return None
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        return info

    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for name in ("pyproject.toml", "_agcupload_build.py", "README.md", PACKAGE):
            if os.path.exists(os.path.join(HERE, name)):
                tar.add(os.path.join(HERE, name), arcname="%s/%s" % (base, name), filter=skip)
        for name in ["Cargo.toml", "Cargo.lock", "include"] + _crate_members(crate):
            full = os.path.join(crate, name)
            if os.path.exists(full):
                tar.add(full, arcname="%s/rust/%s" % (base, name), filter=skip)
        pkg_info = _metadata().encode("utf-8")
        info = tarfile.TarInfo("%s/PKG-INFO" % base)
        info.size = len(pkg_info)
        tar.addfile(info, io.BytesIO(pkg_info))
    return base + ".tar.gz"

