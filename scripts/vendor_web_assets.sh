#!/usr/bin/env bash
# Re-create book/_extra/vendor/: the JavaScript and fonts the HTML book serves
# itself instead of loading them from a CDN (MathJax, RequireJS and the
# ipywidgets HTML manager).  Run by hand when upgrading a version; the build
# never runs it and never touches the network.
set -euo pipefail
MATHJAX=3.2.2
REQUIREJS=2.3.8
HTML_MANAGER=1.0.15   # matches ipywidgets 8.1 (its __html_manager_version__ is ^1.0.1)

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/book/_extra/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
for package in "mathjax@$MATHJAX" "requirejs@$REQUIREJS" "@jupyter-widgets/html-manager@$HTML_MANAGER"; do
  npm pack --silent "$package" >/dev/null
done
for archive in *.tgz; do mkdir -p "${archive%.tgz}" && tar xzf "$archive" -C "${archive%.tgz}"; done

rm -rf "$dest" && mkdir -p "$dest/mathjax/output/chtml/fonts" "$dest/mathjax/input/tex" "$dest/html-manager"
es5="mathjax-$MATHJAX/package/es5"
cp "$es5/tex-mml-chtml.js" "$dest/mathjax/"
cp -r "$es5/output/chtml/fonts/woff-v2" "$dest/mathjax/output/chtml/fonts/"
cp -r "$es5/input/tex/extensions" "$dest/mathjax/input/tex/"   # loaded on demand by \require and autoload
cp -r "$es5/a11y" "$es5/sre" "$dest/mathjax/"                 # loaded when a reader turns on the explorer
cp "mathjax-$MATHJAX/package/LICENSE" "$dest/mathjax/LICENSE"
cp "requirejs-$REQUIREJS/package/require.js" "$dest/require.js"
manager="jupyter-widgets-html-manager-$HTML_MANAGER/package/dist"
cp "$manager/embed-amd.js" "$manager/embed.js.LICENSE.txt" "$manager"/*.woff2 "$manager"/*.woff "$dest/html-manager/"
cat > "$dest/VERSIONS" <<VERSIONS
mathjax $MATHJAX (Apache-2.0)
requirejs $REQUIREJS (MIT)
@jupyter-widgets/html-manager $HTML_MANAGER (BSD-3-Clause)
VERSIONS
echo "vendored into $dest"
