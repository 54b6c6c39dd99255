"""The Python package's names equal the core's: every `agcupload.Phase` value is what the
library's `agc_phase_str` returns for that `agc_phase` number, and numbers outside the enum are
"unknown" there (and absent here)."""
import ctypes
import unittest

import agcupload
from agcupload import _native


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
        import os
        import re
        header = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "include", "agcupload.h")
        with open(header, encoding="utf-8") as f:
            found = dict(re.findall(r"#define AGC_DEFAULT_([A-Z_]+) (\d+)", f.read()))
        self.assertEqual(len(found), 9, found)
        self.assertEqual({k.lower(): int(v) for k, v in found.items()}, agcupload.DEFAULTS)


if __name__ == "__main__":
    unittest.main()
