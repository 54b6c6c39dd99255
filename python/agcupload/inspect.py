"""Offline inspection of a HarmonyOS ``.app`` package: what its ``pack.info`` says it is.

The library reads only the end of the ZIP archive (a few KiB, whatever the size) and refuses
what AGC would: not a ZIP, no or a malformed ``pack.info``, duplicate names, a compression bomb,
an unsigned package (`FileError`, status FILE or FILE_TYPE). No client and no credentials::

    info = agcupload.inspect_package("build/app-signed.app")
    print(info.bundle_name, info.version_code, info.kind)
    info.check_kind(agcupload.HARMONY_APP)   # FileError if it is an atomic service
"""
import ctypes
import dataclasses
import os
from typing import List, Optional, Union

from . import _native
from .errors import check as _check

__all__ = ["PackageInfo", "ModuleInfo", "inspect_package"]

_lib = _native.lib


@dataclasses.dataclass(frozen=True)
class ModuleInfo:
    """One module of a package."""

    name: str
    """``distro.moduleName`` (for example ``"entry"``)."""
    type: str
    """``distro.moduleType``: ``"entry"``, ``"feature"``, ``"shared"``, ..."""
    device_types: List[str]
    """``deviceType``: ``["phone", "tablet", "2in1"]``, ... (may be empty)."""


@dataclasses.dataclass(frozen=True)
class PackageInfo:
    """What `inspect_package` read from a package's ``pack.info``."""

    bundle_name: str
    """``summary.app.bundleName``."""
    bundle_type: str
    """``"app"``, ``"atomicService"`` or another value of ``pack.info`` (``"shared"``); for a
    package without one, ``"atomicService"`` if every module is installation-free, else ``"app"``."""
    kind: Optional[int]
    """The `agcupload.PackageKind` the package is (HARMONY_APP or ATOMIC_SERVICE), or None."""
    version_code: int
    version_name: str
    min_compatible_version_code: Optional[int]
    """``summary.app.version.minCompatibleVersionCode``, or None when absent."""
    modules: List[ModuleInfo]
    size: int
    """The file's size in bytes."""
    _handle: Optional["_Handle"] = dataclasses.field(default=None, repr=False, compare=False)

    def check_kind(self, kind: int) -> None:
        """Raise `FileError` unless the package is `kind` (an `agcupload.PackageKind`) and
        within that kind's size limit (4 GiB for an app, 10 MiB for an atomic service). The
        library decides, on the info it read (the file is not read again)."""
        if self._handle is None:
            raise ValueError("check_kind needs a PackageInfo made by inspect_package")
        _check(_lib.agc_package_info_check_kind(self._handle.p, int(kind)))


def _s(b: Optional[bytes]) -> str:
    return "" if b is None else b.decode("utf-8")


class _Handle:
    """An agc_package_info, freed when the last reference goes."""

    def __init__(self, path: bytes):
        self.p = ctypes.c_void_p()
        _check(_lib.agc_inspect_package(path, ctypes.byref(self.p)))

    def __del__(self) -> None:
        if self.p:
            _lib.agc_package_info_free(self.p)
            self.p = ctypes.c_void_p()


def inspect_package(path: Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]) -> PackageInfo:
    """Read the ``pack.info`` of the ``.app`` at `path` (no client, nothing sent). Raises
    `FileError` (FILE: missing, unreadable, not a regular file; FILE_TYPE: not a usable signed
    ``.app``)."""
    from . import PackageKind, _path

    h = _Handle(_path(path) or b"")
    p = h.p
    modules = []
    for i in range(_lib.agc_package_info_module_count(p)):
        devices = _s(_lib.agc_package_info_module_device_types(p, i))
        modules.append(ModuleInfo(_s(_lib.agc_package_info_module_name(p, i)),
                                  _s(_lib.agc_package_info_module_type(p, i)),
                                  devices.split(",") if devices else []))
    kind = _lib.agc_package_info_kind(p)
    minimum = _lib.agc_package_info_min_compatible_version_code(p)
    return PackageInfo(
        bundle_name=_s(_lib.agc_package_info_bundle_name(p)),
        bundle_type=_s(_lib.agc_package_info_bundle_type(p)),
        kind=PackageKind(kind) if kind else None,
        version_code=_lib.agc_package_info_version_code(p),
        version_name=_s(_lib.agc_package_info_version_name(p)),
        min_compatible_version_code=None if minimum < 0 else minimum,
        modules=modules,
        size=_lib.agc_package_info_size(p),
        _handle=h,
    )
