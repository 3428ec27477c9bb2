#!/usr/bin/env bash
# Does `pip install -r requirements.txt` resolve on every supported system and Python?
#
#   bash tools/check_resolution.sh
#
# For each platform and Python version, `uv pip compile` resolves requirements.txt against PyPI
# as if it ran there (environment markers included; pip's own --platform option does not
# evaluate them). Nothing is installed. Needs network access to PyPI and uv; without uv:
#   python3 -m venv /tmp/uvenv && /tmp/uvenv/bin/pip install uv && UV=/tmp/uvenv/bin/uv bash tools/check_resolution.sh
# Not part of the test run (.ci/run works offline). Exit status 0 when every supported
# combination resolves.
set -uo pipefail
cd "$(dirname "$0")/.."  # the repository root: requirements.txt ends with `-e .`

uv="${UV:-uv}"
if ! command -v "$uv" >/dev/null 2>&1; then
    echo "uv not found -- install it (pip install uv) or set UV=/path/to/uv" >&2
    exit 2
fi

platforms=(x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu x86_64-pc-windows-msvc aarch64-apple-darwin)
versions=(3.11 3.12 3.13)
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# One resolution; prints "ok", the torch and TensorFlow pins, the number of packages and how many
# of them are CUDA libraries, or "FAILED" and uv's reason.
resolve() {
    local platform="$1" version="$2" out="$scratch/$1-$2.txt"
    # uv's macOS target would otherwise be 13.0; torch 2.13's Apple wheels need macOS 14
    if MACOSX_DEPLOYMENT_TARGET=14.0 "$uv" pip compile requirements.txt --quiet --no-header \
        --python-platform "$platform" --python-version "$version" -o "$out" >"$out.log" 2>&1; then
        local pins packages cuda
        pins="$(grep -E '^(torch|tensorflow|tensorflow-cpu)==' "$out" | tr '\n' ' ')"
        packages="$(grep -cE '^[A-Za-z0-9]' "$out")"
        cuda="$(grep -cE '^(nvidia-|cuda-|triton==)' "$out")"
        printf 'ok      %-42s %3s packages, %2s of them CUDA/triton\n' "$pins" "$packages" "$cuda"
    else
        printf 'FAILED  %s\n' "$(grep -m1 -E 'cause:|error:' "$out.log" | sed 's/^ *//')"
        return 1
    fi
}

failed=0
printf '%-28s %-7s %s\n' platform python result
for platform in "${platforms[@]}"; do
    for version in "${versions[@]}"; do
        printf '%-28s %-7s ' "$platform" "$version"
        resolve "$platform" "$version" || failed=$((failed + 1))
    done
done

# Documented as unsupported: Intel Macs (no torch 2.13 wheel) and Python 3.10 / 3.14.
echo
echo "documented as unsupported (expected to fail):"
for combo in "x86_64-apple-darwin 3.12" "x86_64-unknown-linux-gnu 3.10" "x86_64-unknown-linux-gnu 3.14"; do
    read -r platform version <<<"$combo"
    printf '%-28s %-7s ' "$platform" "$version"
    if resolve "$platform" "$version" >/dev/null; then
        echo "resolves now -- update the supported systems in README.md, pyproject.toml and requirements.txt"
    else
        echo "does not resolve, as documented"
    fi
done

echo
if [ "$failed" -gt 0 ]; then
    echo "$failed supported combination(s) do not resolve" >&2
    exit 1
fi
echo "every supported combination resolves"
