#!/usr/bin/env bash
# Regenerates src/events/syscall_names.inc from the installed kernel headers (linux-libc-dev).
set -euo pipefail
out=${1:-src/events/syscall_names.inc}
{
  echo "// Generated from the x86_64 and generic (arm64) Linux syscall tables; names only."
  echo "// Regenerate with tools/gen_syscall_names.sh."
  { grep -oE '__NR_[a-z0-9_]+' /usr/include/x86_64-linux-gnu/asm/unistd_64.h
    grep -oE '__NR_[a-z0-9_]+' /usr/include/asm-generic/unistd.h | grep -vE '__NR_(syscalls|arch_specific_syscall)'
  } | sed 's/__NR_//' | sort -u | sed 's/.*/"&",/'
} > "$out"

# x86_64 syscall numbers, for the probe's in-kernel filter.
nums=${2:-src/events/syscall_numbers_x86_64.inc}
{
  echo "// Generated from /usr/include/x86_64-linux-gnu/asm/unistd_64.h by tools/gen_syscall_names.sh."
  grep -E '^#define __NR_[a-z0-9_]+ [0-9]+$' /usr/include/x86_64-linux-gnu/asm/unistd_64.h |
    awk '{ sub("__NR_", "", $2); printf "{\"%s\", %s},\n", $2, $3 }'
} > "$nums"

# arm64 syscall numbers: the generic table as arm64's asm/unistd.h configures it (64-bit).
arm=${3:-src/events/syscall_numbers_arm64.inc}
{
  echo "// Generated from /usr/include/asm-generic/unistd.h (arm64 configuration) by tools/gen_syscall_names.sh."
  echo '#include <asm-generic/unistd.h>' |
    cpp -dM -D__ARCH_WANT_RENAMEAT -D__ARCH_WANT_NEW_STAT -D__ARCH_WANT_SET_GET_RLIMIT \
        -D__ARCH_WANT_SYS_CLONE3 -D__ARCH_WANT_MEMFD_SECRET - |
    awk '$1 == "#define" && $2 ~ /^__NR(3264)?_/ { v[$2] = $3 }
         END {
           for (k in v) {
             if (k !~ /^__NR_/ || k == "__NR_syscalls" || k == "__NR_arch_specific_syscall") continue
             x = v[k]; while (x in v) x = v[x]
             if (x ~ /^[0-9]+$/) { n = k; sub("__NR_", "", n); printf "{\"%s\", %s},\n", n, x }
           }
         }' | sort -t, -k2 -n
} > "$arm"
