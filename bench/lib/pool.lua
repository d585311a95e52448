-- wrk script: cycles through a pool of pre-signed, all-different requests written by
-- `Bot.Bench payloads` (one per line: content type, headers..., body, separated by tabs).
-- Usage: wrk -t THREADS -s bench/lib/pool.lua URL -- POOLFILE THREADS
-- Each wrk thread takes every THREADS-th request, so threads never send the same one.

local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

local requests = {}
local next_index = 1

function init(args)
  local path = wrk.path
  local stride = tonumber(args[2]) or 2
  local n = 0
  for line in io.lines(args[1]) do
    n = n + 1
    if (n - 1) % stride == (id - 1) % stride then
      local fields = {}
      for field in string.gmatch(line, "[^\t]+") do fields[#fields + 1] = field end
      local headers = { ["Content-Type"] = fields[1] }
      for i = 2, #fields - 1 do
        local name, value = string.match(fields[i], "^([^:]+): (.*)$")
        headers[name] = value
      end
      requests[#requests + 1] = wrk.format("POST", path, headers, fields[#fields])
    end
  end
end

function request()
  local r = requests[next_index]
  next_index = next_index + 1
  if next_index > #requests then next_index = 1 end
  return r
end

function done(summary, latency, requests_done)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "WRKRESULT rps=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f requests=%d non2xx=%d sockerr=%d\n",
    summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.requests, e.status,
    e.connect + e.read + e.write + e.timeout))
end
