#!/usr/bin/env bash
# examples/httpd booted on unix and hvt, against curl in the test's
# namespace: 200 with the embedded file's exact body, Content-Length and
# Content-Type; HEAD; 404; a directory's redirect and index; 405;
# keep-alive (several requests on one connection, and pipelined ones);
# an oversized request cut off; 30 concurrent clients; and, built by
# graft build with a 300000-byte file added, that file whole to four
# clients at once.
. "$(dirname "$0")/lib.sh"
inst_require httpd curl socat
net_setup
WWW=$NET_ROOT/examples/httpd/www
URL=http://$NODE
[ -x "$NET_BUILD/bin/graft" ] || skip_all "graft not built"
mkdir -p "$WORK/app"
cp -r "$NET_ROOT/examples/httpd/." "$WORK/app/"
head -c 300000 /dev/urandom >"$WORK/app/www/big.bin"

# header name url: the value of a response header to a GET
header() {
	in_ns timeout 30 curl -s -D - -o /dev/null "$2" |
		tr -d '\r' | sed -n "s/^$1: //Ip"
}
status() { in_ns timeout 30 curl -s -o /dev/null -w '%{http_code}' "$@"; }

for T in $INST_TARGETS; do
	inst_start $T httpd -- graft.ip=$NODE/24
	check "$T: httpd boots and listens" inst_wait "httpd: serving" 30

	in_ns timeout 10 curl -s -o "$WORK/index" "$URL/"
	check "$T: / serves index.html byte for byte" cmp "$WORK/index" "$WWW/index.html"
	check "$T: its Content-Length is the file's size" \
		test "$(header content-length "$URL/")" = "$(stat -c %s "$WWW/index.html")"
	check "$T: its Content-Type is text/html" \
		test "$(header content-type "$URL/")" = "text/html; charset=utf-8"
	check "$T: a CSS file is text/css" \
		test "$(header content-type "$URL/style.css")" = "text/css"
	check "$T: an SVG file is image/svg+xml" \
		test "$(header content-type "$URL/graft.svg")" = "image/svg+xml"
	got=$(in_ns timeout 10 curl -s "$URL/hello.txt?query=ignored")
	check "$T: a query string is ignored" test "$got" = "hello, world"
	in_ns timeout 10 curl -s -I "$URL/hello.txt" >"$WORK/head"
	check "$T: HEAD gives the headers and no body" \
		sh -c "grep -q '^Content-Length: 13' '$WORK/head' && ! grep -q hello '$WORK/head'"

	check "$T: a missing file is 404" test "$(status "$URL/nope.html")" = 404
	check "$T: a path above the root stays inside it" \
		test "$(status --path-as-is "$URL/../../etc/passwd")" = 404
	check "$T: a directory without its slash is redirected" \
		test "$(header location "$URL/docs")" = /docs/
	in_ns timeout 10 curl -s -o "$WORK/docs" "$URL/docs/"
	check "$T: a directory serves its index.html" cmp "$WORK/docs" "$WWW/docs/index.html"
	check "$T: DELETE is 405" test "$(status -X DELETE "$URL/")" = 405

	got=$(in_ns timeout 10 curl -s -w '%{num_connects} ' \
		-o /dev/null "$URL/" -o /dev/null "$URL/style.css" \
		-o /dev/null "$URL/hello.txt" -o /dev/null "$URL/nope" \
		-o /dev/null "$URL/")
	check "$T: keep-alive: five requests over one connection ($got)" \
		test "$got" = "1 0 0 0 0 "
	got=$(printf 'GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\nGET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' |
		in_ns timeout 10 socat -t 5 - TCP:$NODE:80 | tr -d '\r')
	check "$T: three pipelined requests answered in order" \
		test "$(grep '^HTTP/1.1' <<<"$got" | tr '\n' ,)" = "HTTP/1.1 200 OK,HTTP/1.1 404 Not Found,HTTP/1.1 200 OK,"
	got=$(head -c 20000 /dev/zero | tr '\0' a |
		in_ns timeout 10 socat -t 5 - TCP:$NODE:80 2>&1)
	check "$T: an oversized request gets 431 or a reset" \
		grep -qE "431 Request Header|Connection reset" <<<"$got"

	pids=()
	for i in $(seq 1 30); do
		(for j in 1 2 3 4 5; do
			in_ns timeout 20 curl -s "$URL/" "$URL/hello.txt"
		done >"$WORK/p.$i") &
		pids+=($!)
	done
	wait "${pids[@]}"
	(for j in 1 2 3 4 5; do cat "$WWW/index.html" "$WWW/hello.txt"; done) >"$WORK/p.want"
	bad=0
	for i in $(seq 1 30); do cmp -s "$WORK/p.$i" "$WORK/p.want" || bad=$((bad + 1)); done
	check "$T: 30 concurrent clients, 10 requests each, all answered right" \
		test $bad = 0
	check "$T: the instance is still running" kill -0 "$NODE_PID"
	inst_stop

	# The same app with a large file in its directory, built by graft
	# build: a body of many chunks, whole and exact.
	check "$T: graft build embeds a 300000-byte file in httpd" \
		timeout 120 "$NET_BUILD/bin/graft" build -t $T \
		-o "$WORK/app/httpd.$T" --objdir "$WORK/app/obj.$T" "$WORK/app"
	inst_start $T "$WORK/app/httpd" -- graft.ip=$NODE/24
	check "$T: httpd with the large file boots" inst_wait "httpd: serving" 30
	check "$T: its Content-Length is exact" \
		test "$(header content-length "$URL/big.bin")" = 300000
	check "$T: an unknown extension is application/octet-stream" \
		test "$(header content-type "$URL/big.bin")" = application/octet-stream
	pids=()
	for i in 1 2 3 4; do
		in_ns timeout 60 curl -s -o "$WORK/big.$i" "$URL/big.bin" &
		pids+=($!)
	done
	wait "${pids[@]}"
	bad=0
	for i in 1 2 3 4; do cmp -s "$WORK/big.$i" "$WORK/app/www/big.bin" || bad=$((bad + 1)); done
	check "$T: four clients at once get the large file byte for byte" test $bad = 0
	inst_stop
done
finish
