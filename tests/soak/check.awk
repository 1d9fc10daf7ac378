# check.awk: the verdict of `make soak`. Reads, in this order,
#   faults.tsv   name  start_ms  end_ms  grace_ms  max_errors  allowed_kinds
#                (what run.sh injected; max_errors "-": no count bound, but every error
#                must match the allowed_kinds regex, e.g. "^HTTP 503$")
#   rows.tsv     userName  count          (the database's rows with the run's prefix)
#   records.tsv  start_ms end_ms thread method path name status curl_error  (soak.c)
# and prints the table "fault | requests in window | errors | error kinds", the
# written-vs-stored check and the ambiguous writes. Exit status 1 when:
#   - a fault window has more errors than its bound, or a request outside every
#     window failed (quiet periods must be clean);
#   - a POST answered 201 whose name is not stored exactly once (or stored although a
#     later DELETE answered 204);
#   - a name is stored twice, or a row with the prefix was never attempted;
#   - a write was refused (4xx) although its name was new and valid.
# Writes without an answer (timeout, 502, 503…) are ambiguous: the commit may have
# happened before the answer was lost. They are counted, with how many were stored.
# A request belongs to a window when it overlaps [start_ms, end_ms + grace_ms].
BEGIN {
	FS = "\t"
	nf = 0
	bad = 0
}
FILENAME == ARGV[1] {
	nf++
	fname[nf] = $1; fstart[nf] = $2; fend[nf] = $3 + $4; fbound[nf] = $5
	fkinds[nf] = NF >= 6 && $6 != "" ? $6 : "."
	next
}
FILENAME == ARGV[2] {
	stored[$1] = $2
	next
}
function want(method) {
	return method == "POST" ? 201 : method == "DELETE" ? 204 : 200
}
function kind(status, err) {
	return status == 0 ? err : "HTTP " status
}
{
	start = $1; end = $2; method = $4; name = $6; status = $7 + 0; err = $8
	total++
	failed = status != want(method)
	w = 0
	for (i = 1; i <= nf; i++)
		if (end >= fstart[i] && start <= fend[i]) { w = i; break }
	inwin[w]++
	if (failed) {
		errs[w]++
		k = kind(status, err)
		if (!((w, k) in kinds)) korder[w] = korder[w] (korder[w] == "" ? "" : SUBSEP) k
		kinds[w, k]++
		errors++
		if (w && k !~ fkinds[w]) badkind[w]++
	}
	if (method == "POST") {
		posts++
		post[name] = status
	} else if (method == "DELETE") {
		deletes++
		del[name] = status
	} else
		gets++
}
function kindlist(w,    n, parts, s, j) {
	if (korder[w] == "") return "-"
	n = split(korder[w], parts, SUBSEP)
	s = ""
	for (j = 1; j <= n; j++)
		s = s (j > 1 ? ", " : "") parts[j] " x" kinds[w, parts[j]]
	return s
}
END {
	printf "requests: %d (POST %d, DELETE %d, GET %d), errors: %d\n", total, posts, deletes, gets, errors
	printf "\n%-24s | %8s | %6s | %-13s | %s\n", "fault", "requests", "errors", "bound", "error kinds"
	printf "%-24s-+-%8s-+-%6s-+-%-13s-+-%s\n", "------------------------", "--------", "------", "-------------", "-----------"
	for (i = 1; i <= nf; i++) {
		if (fbound[i] == "-") {
			verdict = badkind[i] ? "  <-- errors of other kinds" : ""
			b = "only " fkinds[i]
			gsub(/[\^$]/, "", b)
		} else {
			verdict = (errs[i] + 0 <= fbound[i] + 0 && !badkind[i]) ? "" : "  <-- over the bound"
			b = "<= " fbound[i]
		}
		if (verdict != "") bad = 1
		printf "%-24s | %8d | %6d | %-13s | %s%s\n", fname[i], inwin[i], errs[i], b, kindlist(i), verdict
	}
	verdict = errs[0] + 0 == 0 ? "" : "  <-- errors outside the fault windows"
	if (verdict != "") bad = 1
	printf "%-24s | %8d | %6d | %-13s | %s%s\n", "(no fault: quiet)", inwin[0], errs[0], "0", kindlist(0), verdict

	# Written vs stored.
	ok201 = 0; gone = 0; kept = 0; amb = 0; amb_stored = 0; ambdel = 0; ambdel_stored = 0
	for (n in post) {
		s = stored[n] + 0
		if (s > 1) { printf "LOST/DUPLICATE: %s stored %d times\n", n, s; bad = 1 }
		if (post[n] == 201) {
			ok201++
			if (n in del && del[n] == 204) {
				gone++
				if (s != 0) { printf "RESURRECTED: %s deleted (204) but stored\n", n; bad = 1 }
			} else if (n in del) {
				ambdel++
				ambdel_stored += s
				if (del[n] >= 400 && del[n] < 500) {
					printf "WRONG: DELETE of %s answered %d\n", n, del[n]; bad = 1
				}
			} else {
				kept++
				if (s != 1) { printf "LOST: %s answered 201 but is stored %d times\n", n, s; bad = 1 }
			}
		} else if (post[n] >= 400 && post[n] < 500) {
			printf "REFUSED: POST %s answered %d\n", n, post[n]; bad = 1
			if (s != 0) { printf "WRONG: %s refused (%d) but stored\n", n, post[n]; bad = 1 }
		} else {
			amb++
			amb_stored += s
			if (n in del) { printf "WRONG: %s deleted though its POST failed\n", n; bad = 1 }
		}
	}
	phantom = 0
	for (n in stored)
		if (!(n in post)) { printf "PHANTOM: %s stored but never written\n", n; phantom++; bad = 1 }
	printf "\nwritten vs stored: %d POSTs answered 201: %d kept and stored once, %d deleted (204) and gone", ok201, kept, gone
	printf "; %d phantom rows\n", phantom
	printf "ambiguous (no 2xx answer): %d POSTs, %d of them stored; %d DELETEs, %d of those rows still stored\n", amb, amb_stored, ambdel, ambdel_stored
	if (total == 0) { print "no requests recorded"; bad = 1 }
	print bad ? "soak check: FAILED" : "soak check: ok"
	exit bad
}
