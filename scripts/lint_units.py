"""Writes the compile database scripts/lint.sh gives clang-tidy: one
translation unit per library of ours (crypto, store, journal, net, ui, cli),
each including all of that library's sources, with the flags its files
build with, less the g++ precompiled header (which means nothing to clang).

Why: most of clang-tidy's time on a file of ours is parsing and walking the
system headers it includes (Boost.Asio, protobuf, spdlog: ~8 s to parse and
~10 s for the checks, against well under a second for our own code). One
unit per library pays that once per library instead of once per file. The
checks still see every line of ours: .clang-tidy's HeaderFilterRegex names
our folders' .cpp files as well as their headers.

  python3 scripts/lint_units.py BUILD/compile_commands.json OUT_DIR SOURCE_DIR
"""
import json
import os
import re
import shlex
import sys

LIBRARIES = ("inch_crypto", "inch_store", "inch_journal", "inch_net",
             "inch_ui", "inch_cli", "inch")  # inch: cli/main.cpp


def sources_of(entry):
    """The sources an entry compiles: a CMake unity file stands for the
    files it includes."""
    path = entry["file"]
    if not os.path.isabs(path):
        path = os.path.join(entry["directory"], path)
    if re.search(r"/Unity/unity_\d+_cxx\.cxx$", path):
        with open(path) as f:
            return re.findall(r'^#include "([^"]+)"', f.read(), re.M)
    return [path]


def main():
    db_path, out_dir, root = sys.argv[1:4]
    root = os.path.realpath(root)
    groups = {}  # library -> (entry, [sources])
    for entry in json.load(open(db_path)):
        args = shlex.split(entry["command"])
        out = args[args.index("-o") + 1]
        target = re.search(r"CMakeFiles/([^/]+)\.dir/", out)
        if not target or target.group(1) not in LIBRARIES:
            continue
        mine = [s for s in sources_of(entry)
                if os.path.realpath(s).startswith(root + os.sep)]
        first, files = groups.setdefault(target.group(1), (entry, []))
        files.extend(mine)
    units = []
    for library, (entry, files) in sorted(groups.items()):
        unit = os.path.join(out_dir, f"lint_{library}.cpp")
        with open(unit, "w") as f:
            f.writelines(f'#include "{s}"\n' for s in sorted(set(files)))
        args = shlex.split(entry["command"])
        keep = []
        skip = False
        for i, a in enumerate(args):
            if skip:
                skip = False
                continue
            if a in ("-o", "-c") or (a == "-include" and
                                     args[i + 1].endswith("cmake_pch.hxx")):
                skip = True
                continue
            # g++-only flags clang would report as unknown.
            if a in ("-Winvalid-pch", "-Wno-subobject-linkage"):
                continue
            keep.append(a)
        keep += ["-o", os.devnull, "-c", unit]
        units.append({"directory": entry["directory"],
                      "command": shlex.join(keep), "file": unit})
    with open(os.path.join(out_dir, "compile_commands.json"), "w") as f:
        json.dump(units, f, indent=1)
    print("\n".join(u["file"] for u in units))


if __name__ == "__main__":
    main()
