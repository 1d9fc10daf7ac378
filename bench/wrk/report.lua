-- report.lua: wrk's done() hook for `make bench`. Prints one machine-readable line
--   BENCH requests=N duration_us=N rps=N p50_us=N p99_us=N max_us=N non2xx=N errors=N
-- which bench/run.sh collects. non2xx is wrk's own count of responses with a status
-- of 400 or more (a GET target that answered 1xx/3xx is caught by the driver's
-- pre-flight check instead), unless the script counts statuses itself (mix.lua sets
-- count_status and reports the exact non-2xx count of every thread).
-- errors are socket-level: connect, read, write and timeout.

threads = threads or {}

local function add_thread(thread)
	table.insert(threads, thread)
end

bench_setup = add_thread

function setup(thread)
	bench_setup(thread)
end

function done(summary, latency, requests)
	local non2xx = summary.errors.status
	if count_status then
		non2xx = 0
		for _, t in ipairs(threads) do
			non2xx = non2xx + (t:get("non2xx") or 0)
		end
	end
	local e = summary.errors
	local secs = summary.duration / 1e6
	io.write(string.format(
		"BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d max_us=%d non2xx=%d errors=%d\n",
		summary.requests, summary.duration, summary.requests / secs,
		latency:percentile(50), latency:percentile(99), latency.max,
		non2xx, e.connect + e.read + e.write + e.timeout))
end
