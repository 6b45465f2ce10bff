-- wrk script for bench/screening_scale.py: POST /api/v1/match/ with a request body drawn at random from a file.
--   BENCH_TOKEN      the API token (sent as Authorization: Bearer ...)
--   BENCH_BODIES     file of JSON request bodies, one a line
--   BENCH_DELAY_MS   mean think time per connection before each request; 0 = as fast as possible.
-- At the end it prints one line "BENCH_RESULT {json}" with counts and latency percentiles (microseconds).

local counter = 1

function setup(thread)
  thread:set("thread_number", counter)
  counter = counter + 1
end

function init(args)
  math.randomseed(os.time() * 100 + thread_number)
  wrk.method = "POST"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json"
  delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
  bodies = {}
  for line in io.lines(os.getenv("BENCH_BODIES")) do
    if #line > 0 then bodies[#bodies + 1] = line end
  end
end

function request()
  return wrk.format("POST", "/api/v1/match/", nil, bodies[math.random(#bodies)])
end

function delay()
  if delay_ms <= 0 then return 0 end
  -- Exponential think time: requests arrive roughly as a Poisson process at the chosen rate.
  return math.floor(-math.log(1 - math.random()) * delay_ms)
end

function done(summary, latency, requests)
  local e = summary.errors
  local parts = {
    string.format('"requests":%d', summary.requests),
    string.format('"duration_us":%d', summary.duration),
    string.format('"errors_connect":%d,"errors_read":%d,"errors_write":%d,"errors_status":%d,"errors_timeout":%d',
      e.connect, e.read, e.write, e.status, e.timeout),
  }
  for _, p in ipairs({50, 90, 99, 99.9}) do
    parts[#parts + 1] = string.format('"p%s":%d', tostring(p), latency:percentile(p))
  end
  io.write("BENCH_RESULT {" .. table.concat(parts, ",") .. "}\n")
end
