-- wrk script of `gannet bench http`.
--
-- Arguments after `--`: [depth]. With depth > 1 every write carries that many copies of the request
-- (pipelining, as TechEmpower's plaintext test does). With depth 1 no `request` function is defined, so wrk keeps
-- its static request buffer and calls no Lua per request: on one core wrk is often the bottleneck already.
--
-- done() prints one machine-readable line, because wrk's own summary mixes units ("1.23ms", "12.5k") and
-- omits fields when they are zero. Latencies and the duration are in microseconds.
--
-- The percentiles are wrk's own, after its coordinated-omission correction. Under pipelining that correction
-- seems to add samples below the recorded minimum, which wrk's percentile walk (from the minimum up) then misses:
-- p99 can come out as 0 with a max of tens of milliseconds. The bench reports such a 0 as "n/a".

-- Second argument (optional): an epoch second. Requests written from then on are counted, so that one wrk run can
-- be a warm-up followed by a measured window on the same connections (the TLS workload: its 256 handshakes then
-- stay out of the window). Counting needs a `request` function, i.e. a Lua call per write.
init = function(args)
  local depth = tonumber(args[1]) or 1
  local from = tonumber(args[2])
  counted = 0
  if depth > 1 or from then
    local one = wrk.format()
    local batch = {}
    for i = 1, depth do batch[i] = one end
    local all = table.concat(batch)
    if from then
      local counting = false
      request = function()
        if counting or os.time() >= from then
          counting = true
          counted = counted + depth
        end
        return all
      end
    else
      request = function() return all end
    end
  end
end

-- done() runs in wrk's main Lua state; the counts live in each thread's own state.
local threads = {}
setup = function(thread) table.insert(threads, thread) end

done = function(summary, latency, requests)
  local e = summary.errors
  local window = 0
  for _, t in ipairs(threads) do window = window + (t:get("counted") or 0) end
  io.write(string.format(
    "GANNET_WRK requests=%d duration_us=%d bytes=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d "
      .. "connect=%d read=%d write=%d status=%d timeout=%d window_requests=%d\n",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout, window))
end
