-- mix.lua: the write mix for `make bench`: 90% GET /api/v1/users, 5% POST
-- /api/v1/users (a new unique name), 5% DELETE of a user this thread created (its id
-- taken from the 201's Location), so the table keeps its size. Every status is counted:
-- anything outside 2xx is a non-2xx in the BENCH line (see report.lua).
-- Arguments (after --): a run tag that keeps names unique across runs, and the
-- bearer token the writes carry (ours needs an editor: bench/run.sh signs in; the
-- peers have no sign-in and ignore the header).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

count_status = true
local next_tid = 0

bench_setup = function(thread)
	next_tid = next_tid + 1
	thread:set("tid", next_tid)
	table.insert(threads, thread)
end

local tag, n, pending, non2xx = "x", 0, {}, 0
local list, auth = nil, nil

function init(args)
	tag = (args[1] or tostring(os.time() % 1000000)) .. "t" .. tostring(tid or 0)
	list = wrk.format("GET", "/api/v1/users")
	auth = args[2] and ("Bearer " .. args[2]) or nil
end

function request()
	n = n + 1
	local slot = n % 20
	if slot == 0 then
		local body = string.format('{"userName":"bench%sn%d"}', tag, n)
		return wrk.format("POST", "/api/v1/users",
			{ ["Content-Type"] = "application/json", ["Authorization"] = auth }, body)
	elseif slot == 10 and #pending > 0 then
		return wrk.format("DELETE", "/api/v1/users/" .. table.remove(pending),
			{ ["Authorization"] = auth })
	end
	return list
end

function response(status, headers, body)
	if status < 200 or status > 299 then
		non2xx = non2xx + 1
		wrk.thread:set("non2xx", non2xx)
	end
	if status == 201 then
		local loc = headers["Location"] or headers["location"]
		local id = loc and loc:match("(%d+)$")
		if id then
			table.insert(pending, id)
		end
	end
end
