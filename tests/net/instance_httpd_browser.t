#!/usr/bin/env bash
# A real browser on the page examples/httpd serves: headless Chromium in the
# test's namespace loads http://192.0.2.2/ from each target's instance,
# prints the DOM it built (title and heading are the page's, not an error
# page's) and renders a screenshot.  Skipped where Chromium is not
# installed.
. "$(dirname "$0")/lib.sh"
inst_require httpd
command -v chromium >/dev/null || skip_all "chromium is not installed"
net_setup
URL=http://$NODE/

# browse ARGS...: headless Chromium on $URL with ARGS (--dump-dom, ...)
browse() {
	in_ns timeout 60 chromium --headless --no-sandbox --disable-gpu \
		--disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--user-data-dir="$WORK/chromium" --virtual-time-budget=3000 \
		"$@" "$URL" 2>>"$WORK/log"
}

title=$(sed -n 's:.*<title>\(.*\)</title>.*:\1:p' "$NET_ROOT/examples/httpd/www/index.html" | head -n 1)
for T in $INST_TARGETS; do
	inst_start $T httpd -- graft.ip=$NODE/24
	check "$T: httpd boots" inst_wait "httpd: serving" 30
	dom=$(browse --dump-dom)
	check "$T: Chromium loads the page: its DOM has the page's title" \
		grep -qF "<title>$title</title>" <<<"$dom"
	check "$T: ... and its heading" grep -q "Hello from graft</h1>" <<<"$dom"
	rm -f "$WORK/shot.png"
	browse --window-size=800,600 --screenshot="$WORK/shot.png" >/dev/null
	check "$T: Chromium renders it to an 800x600 screenshot" \
		bash -c "file '$WORK/shot.png' | grep -q 'PNG image data, 800 x 600'"
	inst_stop
done
finish
