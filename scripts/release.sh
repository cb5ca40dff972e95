#!/usr/bin/env bash
# Build the release artifacts into dist/:
#   knotless-VERSION-TARGET.tar.gz  the binary, man page, completions, licence
#   knotless_VERSION-1_ARCH.deb      the same, in Debian's places (cargo-deb)
#   knotless-VERSION.tar.gz          the source, for the recipes below
#   knotless.rb, PKGBUILD            Homebrew formula and AUR recipe
# and print the sha256 the Homebrew formula and the AUR recipe need.
#
# Usage: scripts/release.sh [--no-deb]
# Needs: cargo; cargo-deb for the .deb (`cargo install --locked cargo-deb`).
set -euo pipefail
cd "$(dirname "$0")/.."

deb=1
[ "${1:-}" = "--no-deb" ] && deb=0

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
target=$(rustc -vV | sed -n 's/^host: //p')
out=dist
assets=target/dist-assets

# The `dist` profile: fat LTO, one code-generation unit.
cargo build --locked --profile dist
bin=target/dist/knotless

# The man page and completions come from the binary itself.
rm -rf "$assets"
mkdir -p "$assets/completions" "$out"
"$bin" man > "$assets/knotless.1"
gzip -9n < "$assets/knotless.1" > "$assets/knotless.1.gz"
"$bin" completions bash > "$assets/completions/knotless.bash"
"$bin" completions zsh > "$assets/completions/_knotless"
"$bin" completions fish > "$assets/completions/knotless.fish"

# The tarball: one folder, ready to copy into a prefix.
name="knotless-$version-$target"
stage="target/$name"
rm -rf "$stage"
mkdir -p "$stage/man/man1" "$stage/completions"
cp "$bin" "$stage/knotless"
cp "$assets/knotless.1" "$stage/man/man1/"
cp "$assets/completions/"* "$stage/completions/"
cp LICENSE README.md CHANGELOG.md "$stage/"
tar -C target -czf "$out/$name.tar.gz" "$name"
echo "$out/$name.tar.gz"

if [ "$deb" = 1 ]; then
  cargo deb --locked --no-build --profile dist --output "$out/"
  ls "$out"/*.deb
fi

# The source tarball the Homebrew formula and the AUR recipe build from,
# and those two recipes with its checksum filled in.
src="knotless-$version"
git archive --format=tar.gz --prefix="$src/" -o "$out/$src.tar.gz" HEAD
sum=$(sha256sum "$out/$src.tar.gz" | cut -d' ' -f1)
for recipe in knotless.rb PKGBUILD; do
  sed -e "s/@VERSION@/$version/g" -e "s/@SHA256@/$sum/g" "packaging/$recipe.in" > "$out/$recipe"
done

( cd "$out" && sha256sum ./*.tar.gz ./*.deb 2>/dev/null || true )
