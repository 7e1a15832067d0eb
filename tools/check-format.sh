#!/usr/bin/env bash
# Fails when a C++ file is not formatted with the committed .clang-format.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.h' '*.c')
clang-format --dry-run --Werror "${files[@]}"
echo "format: ${#files[@]} files ok"
