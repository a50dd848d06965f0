#!/usr/bin/env bash
# Builds the kernel lab's kernel (Debian's linux-source-6.12, `make tinyconfig` plus
# kernel/lab.config) and its initramfs (busybox-static and initramfs/init), or reuses them from the
# cache. Prints "kernel=PATH" and "initramfs=PATH".
#
#   build.sh            build what is missing, then print the paths
#   build.sh --print    print the paths only if both are cached; exit 3 and say what is missing if not
#
# Cache: $FRAMEWORK_LAB_CACHE, else /var/cache/framework/kernel-lab when writable, else
# ~/.cache/framework/kernel-lab. Entries are keyed by the source package version and the hash of
# what they are built from, and appear by one rename of a finished folder: a failed or interrupted
# build leaves only a temporary folder that no later run trusts (and that the next build removes).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
fragment=$here/kernel/lab.config
init=$here/initramfs/init
source_tar=/usr/src/linux-source-6.12.tar.xz
mode=${1:-build}

cache=${FRAMEWORK_LAB_CACHE:-}
if [ -z "$cache" ]; then
  if mkdir -p /var/cache/framework/kernel-lab 2>/dev/null && [ -w /var/cache/framework/kernel-lab ]; then
    cache=/var/cache/framework/kernel-lab
  else
    cache=${XDG_CACHE_HOME:-$HOME/.cache}/framework/kernel-lab
  fi
fi
mkdir -p "$cache"

missing() { echo "kernel lab: $*" >&2; exit 3; }

source_version=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || true)
busybox_version=$(dpkg-query -W -f='${Version}' busybox-static 2>/dev/null || true)
[ -n "$source_version" ] && [ -f "$source_tar" ] \
  || missing "Debian package linux-source-6.12 is not installed (apt-get install linux-source-6.12)"
[ -n "$busybox_version" ] && [ -x /bin/busybox ] \
  || missing "Debian package busybox-static is not installed (apt-get install busybox-static)"

# Content only: the key must be the same in every checkout and clone of the repository.
hash16() { cat "$@" | sha256sum | cut -c1-16; }
kernel_key="linux-${source_version//[^A-Za-z0-9.+-]/_}-$(hash16 "$fragment")"
initramfs_key="initramfs-${busybox_version//[^A-Za-z0-9.+-]/_}-$(hash16 "$init")"
kernel_dir=$cache/$kernel_key
initramfs_dir=$cache/$initramfs_key

print_paths() {
  echo "kernel=$kernel_dir/bzImage"
  echo "initramfs=$initramfs_dir/initramfs.cpio.gz"
  echo "kernel-version=$(cat "$kernel_dir/kernelrelease")"
  echo "config-hash=$(hash16 "$fragment")"
}

if [ "$mode" = "--print" ]; then
  [ -f "$kernel_dir/bzImage" ] || missing "the lab kernel $kernel_key is not built (run tests/KernelLab/build.sh)"
  [ -f "$initramfs_dir/initramfs.cpio.gz" ] || missing "the lab initramfs $initramfs_key is not built (run tests/KernelLab/build.sh)"
  print_paths
  exit 0
fi
[ "$mode" = "build" ] || { echo "usage: build.sh [--print]" >&2; exit 2; }

# One builder at a time per cache; a second run waits and then finds the entry made.
exec 9>"$cache/.lock"
flock 9

build_initramfs() {
  [ -f "$initramfs_dir/initramfs.cpio.gz" ] && return
  local tmp
  tmp=$(mktemp -d "$cache/.tmp-initramfs.XXXXXX")
  mkdir -p "$tmp/root/bin"
  cp /bin/busybox "$tmp/root/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -s busybox "$tmp/root/bin/$applet"
  done
  cp "$init" "$tmp/root/init"
  chmod 755 "$tmp/root/init"
  (cd "$tmp/root" && find . | /bin/busybox cpio -o -H newc 2>/dev/null | gzip -9) > "$tmp/initramfs.cpio.gz"
  rm -rf "$tmp/root"
  mv -T "$tmp" "$initramfs_dir"
}

build_kernel() {
  [ -f "$kernel_dir/bzImage" ] && return
  for tool in make gcc flex bison bc; do
    command -v "$tool" >/dev/null || missing "building the lab kernel needs $tool (apt-get install build-essential flex bison bc libelf-dev libssl-dev)"
  done
  rm -rf "$cache"/.tmp-kernel.*
  local tmp start
  tmp=$(mktemp -d "$cache/.tmp-kernel.XXXXXX")
  start=$(date +%s)
  echo "kernel lab: building $kernel_key in $tmp (about 20 minutes on 2 idle cores, longer on a busy machine)" >&2
  tar -xf "$source_tar" -C "$tmp"
  local src
  src=$(echo "$tmp"/linux-source-6.12)
  make -C "$src" -s tinyconfig
  (cd "$src" && scripts/kconfig/merge_config.sh -m .config "$fragment" >/dev/null)
  make -C "$src" -s olddefconfig
  local lost=()
  while IFS= read -r line; do
    case "$line" in CONFIG_*=*) grep -qx "$line" "$src/.config" || lost+=("$line") ;; esac
  done < "$fragment"
  if [ ${#lost[@]} -gt 0 ]; then
    echo "kernel lab: olddefconfig dropped these fragment lines (a dependency is missing): ${lost[*]}" >&2
    exit 1
  fi
  make -C "$src" -s -j"$(nproc)" bzImage >"$tmp/build.log" 2>&1 || { tail -n 40 "$tmp/build.log" >&2; exit 1; }
  cp "$src/arch/x86/boot/bzImage" "$tmp/bzImage"
  cp "$src/.config" "$tmp/config"
  make -C "$src" -s kernelrelease > "$tmp/kernelrelease"
  echo "$(( $(date +%s) - start ))" > "$tmp/build-seconds"
  rm -rf "$src"
  mv -T "$tmp" "$kernel_dir"
  echo "kernel lab: built $kernel_key in $(cat "$kernel_dir/build-seconds") s" >&2
}

build_initramfs
build_kernel
print_paths
