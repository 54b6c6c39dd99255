"""The Python package's names and numbers equal the library's and the header's: every
`agcupload.Phase` value is what `agc_phase_str` returns for that `agc_phase` number; the
static enums kept for type checkers (`Status`, `PackageKind`, `Trust`, `Transfer`, `Step`,
`ReleaseStatus`, `PhasedAction`) hold exactly the header's values, and `Status` exactly the library's."""
import ctypes
import os
import re
import unittest

import agcupload
from agcupload import _native

HEADER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "include", "agcupload.h")


def header_enum(c_name, prefix):
    """The values of the header's enum `c_name`, by name without `prefix`."""
    with open(HEADER, encoding="utf-8") as f:
        text = f.read()
    body = re.search(r"typedef enum \{([^}]*)\} %s;" % c_name, text)
    assert body, "no enum %s in %s" % (c_name, HEADER)
    values = dict(re.findall(r"^\s*(AGC_\w+) = (\d+),", body.group(1), re.M))
    assert values, "no values in %s" % c_name
    return {name[len(prefix):]: int(n) for name, n in values.items()}


class StaticEnums(unittest.TestCase):
    def assert_same(self, enum_cls, c_name, prefix):
        self.assertEqual({m.name: int(m.value) for m in enum_cls}, header_enum(c_name, prefix), c_name)

    def test_status_holds_the_headers_numbers_and_the_librarys_names(self):
        header = header_enum("agc_status", "AGC_")
        self.assertEqual({("OK" if m.name == "OK" else "ERR_" + m.name): int(m) for m in agcupload.Status}, header)
        library = {}
        for n in range(256):
            name = _native.lib.agc_status_str(n).decode()
            if name != "AGC_ERR_UNKNOWN":
                library[n] = name
        self.assertEqual(library, {int(m): "AGC_" + ("OK" if m.name == "OK" else "ERR_" + m.name)
                                   for m in agcupload.Status})

    def test_the_other_enums_hold_the_headers_numbers(self):
        from agcupload.release import ReleaseStatus, Step
        self.assert_same(agcupload.PackageKind, "agc_package_kind", "AGC_KIND_")
        self.assert_same(agcupload.Trust, "agc_trust", "AGC_TRUST_")
        self.assert_same(agcupload.Transfer, "agc_transfer", "AGC_TRANSFER_")
        self.assert_same(Step, "agc_release_step", "AGC_STEP_")
        self.assert_same(ReleaseStatus, "agc_release_state", "AGC_RELEASE_")
        self.assert_same(agcupload.PhasedAction, "agc_phased_action", "AGC_PHASED_")

    def test_phases_are_the_headers_numbers(self):
        self.assertEqual({n: name.upper() for n, name in agcupload.PHASES.items()},
                         {n: name for name, n in header_enum("agc_phase", "AGC_PHASE_").items()})


class PhaseNames(unittest.TestCase):
    def test_every_phase_value_is_the_core_name(self):
        phase_str = _native.lib.agc_phase_str
        phase_str.restype = ctypes.c_char_p
        phase_str.argtypes = [ctypes.c_int]
        by_number = agcupload._PHASE_BY_NUMBER
        self.assertEqual(len(by_number), len(list(agcupload.Phase)))
        for number, phase in by_number.items():
            self.assertEqual(phase.value, phase_str(number).decode(), number)
        last = max(by_number)
        for number in (0, -1, last + 1, 2**31 - 1):
            self.assertEqual(phase_str(number), b"unknown", number)
            self.assertNotIn(number, by_number)


class Defaults(unittest.TestCase):
    def test_the_packages_defaults_are_the_headers(self):
        """`agcupload.DEFAULTS` is read from the library; it equals every AGC_DEFAULT_* of the
        header the library was built with (the one definition is the core's)."""
        with open(HEADER, encoding="utf-8") as f:
            found = dict(re.findall(r"#define AGC_DEFAULT_([A-Z_]+) (\d+)", f.read()))
        self.assertEqual(len(found), 9, found)
        self.assertEqual({k.lower(): int(v) for k, v in found.items()}, agcupload.DEFAULTS)


if __name__ == "__main__":
    unittest.main()


class UploadOptions(unittest.TestCase):
    def test_every_upload_option_of_the_header_has_its_row(self):
        with open(HEADER, encoding="utf-8") as f:
            setters = set(re.findall(r"\b(agc_upload_options_set_\w+)\(", f.read()))
        self.assertTrue(setters, "no agc_upload_options_set_* in the header")
        rows = {"agc_upload_options_set_" + name for name, _, _ in agcupload._UPLOAD_OPTIONS}
        self.assertEqual(rows, setters)

    def test_an_unknown_upload_option_is_a_type_error(self):
        with self.assertRaisesRegex(TypeError, "unknown upload option colour"):
            agcupload._Options(colour=1)
