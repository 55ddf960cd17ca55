#!/usr/bin/env python3
"""The layer order of cmake/layers.txt checked against the sources' includes: a file in a
library folder may include headers of its own folder and of the folders listed for it, and
nothing else of the project. (cmake/tollgate_layers.cmake checks the links at configure time.)

Usage: layers_test.py [SOURCE_DIR]
"""
import os
import re
import sys
import unittest

ROOT = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z0-9_]+)/', re.M)


def read_layers(path):
    allowed = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            folder, _, uses = line.partition(":")
            allowed[folder.strip()] = {folder.strip(), *uses.split()}
    return allowed


def violations(root, allowed):
    found = []
    for folder, may_use in sorted(allowed.items()):
        for dirpath, _, files in os.walk(os.path.join(root, folder)):
            for name in sorted(files):
                if not name.endswith((".cpp", ".hpp")):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8", errors="replace") as f:
                    text = f.read()
                for used in INCLUDE.findall(text):
                    if used in allowed and used not in may_use:
                        found.append(f"{os.path.relpath(path, root)} includes {used}/")
    return found


class LayersTest(unittest.TestCase):
    def test_every_library_folder_is_in_the_layer_order(self):
        allowed = read_layers(os.path.join(ROOT, "cmake", "layers.txt"))
        with open(os.path.join(ROOT, "CMakeLists.txt"), encoding="utf-8") as f:
            listed = re.search(r"set\(TOLLGATE_LIBRARIES ([a-z0-9_ ]+)\)", f.read()).group(1).split()
        self.assertEqual(sorted(allowed), sorted(listed))

    def test_includes_follow_the_layer_order(self):
        allowed = read_layers(os.path.join(ROOT, "cmake", "layers.txt"))
        self.assertEqual(violations(ROOT, allowed), [])

    def test_an_include_against_the_order_is_found(self):
        allowed = {"base": {"base"}, "sip": {"sip", "base"}}
        import tempfile
        with tempfile.TemporaryDirectory() as root:
            os.makedirs(os.path.join(root, "base"))
            os.makedirs(os.path.join(root, "sip"))
            with open(os.path.join(root, "base", "x.hpp"), "w") as f:
                f.write('#pragma once\n#include "sip/message.hpp"\n#include <string>\n')
            with open(os.path.join(root, "sip", "y.cpp"), "w") as f:
                f.write('#include "base/x.hpp"\n')
            self.assertEqual(violations(root, allowed), ["base/x.hpp includes sip/"])


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
