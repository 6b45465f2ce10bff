-- wrk script for bench/api_load.py and bench/screening_scale.py. Configured through the environment:
--   BENCH_TOKEN      the API token (sent as Authorization: Bearer ...)
--   BENCH_MODE       detail | list | changes | path | post
--   BENCH_IDS        file of entity ids, one a line (detail)
--   BENCH_PATHS      file of request paths, one a line, picked at random (list, path)
--   BENCH_BODIES     file of JSON request bodies, one a line, picked at random and POSTed to BENCH_PATH (post)
--   BENCH_CHANGES    highest change number, for random change-feed cursors (changes)
--   BENCH_LIMIT      change-feed page size (changes)
--   BENCH_RATE       requests/s this wrk thread offers (Poisson arrivals, see delay()); unset or 0 = each
--                    connection sends its next request as soon as the last is answered (closed loop).
-- At the end it prints one line "BENCH_RESULT {json}" with counts and latency percentiles (microseconds).

local threads = {}
local counter = 1

function setup(thread)
  thread:set("thread_number", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local function read_lines(path)
  local lines = {}
  for line in io.lines(path) do
    if #line > 0 then lines[#lines + 1] = line end
  end
  return lines
end

local function b64url(text)
  local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
  local out = {}
  for i = 1, #text, 3 do
    local a, b, c = text:byte(i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    local count = c and 4 or (b and 3 or 2)
    for j = 1, count do
      local index = math.floor(n / 64 ^ (4 - j)) % 64 + 1
      out[#out + 1] = alphabet:sub(index, index)
    end
  end
  return table.concat(out)
end

function init(args)
  math.randomseed(os.time() * 100 + thread_number)
  mode = os.getenv("BENCH_MODE") or "detail"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
  wrk.headers["Accept"] = "application/json"
  rate = tonumber(os.getenv("BENCH_RATE") or "0")
  next_slot = 0
  if mode == "detail" then
    ids = read_lines(os.getenv("BENCH_IDS"))
  elseif mode == "post" then
    bodies = read_lines(os.getenv("BENCH_BODIES"))
    post_path = os.getenv("BENCH_PATH")
    wrk.headers["Content-Type"] = "application/json"
  elseif mode == "changes" then
    changes = tonumber(os.getenv("BENCH_CHANGES"))
    limit = os.getenv("BENCH_LIMIT") or "1000"
  else
    paths = read_lines(os.getenv("BENCH_PATHS"))
  end
end

function request()
  local path
  if mode == "post" then
    return wrk.format("POST", post_path, nil, bodies[math.random(#bodies)])
  elseif mode == "detail" then
    path = "/api/v1/entities/" .. ids[math.random(#ids)] .. "/"
  elseif mode == "changes" then
    local after = math.random(0, math.max(0, changes - tonumber(limit)))
    path = "/api/v1/changes/?limit=" .. limit
    if after > 0 then path = path .. "&after=" .. b64url("c1:" .. after) end
  else
    path = paths[math.random(#paths)]
  end
  return wrk.format("GET", path)
end

local ffi = require("ffi")
ffi.cdef[[
  typedef struct { long tv_sec; long tv_usec; } bench_timeval;
  int gettimeofday(bench_timeval *tv, void *tz);
]]
local timeval = ffi.new("bench_timeval")

local function now_ms()
  ffi.C.gettimeofday(timeval, nil)
  return tonumber(timeval.tv_sec) * 1000 + tonumber(timeval.tv_usec) / 1000
end

function delay()
  if rate <= 0 then return 0 end
  -- An arrival schedule shared by the thread's connections: each request takes the next slot, and slots
  -- are exponentially spaced at the offered rate, so requests arrive as a Poisson process at that rate
  -- whatever the response times (as long as a connection is free; a late slot is sent at once).
  local now = now_ms()
  local slot = math.max(next_slot, now)
  next_slot = slot - math.log(1 - math.random()) * 1000 / rate
  return math.floor(slot - now + 0.5)
end

function done(summary, latency, requests)
  local e = summary.errors
  local parts = {
    string.format('"requests":%d', summary.requests),
    string.format('"duration_us":%d', summary.duration),
    string.format('"bytes":%d', summary.bytes),
    string.format('"errors_connect":%d,"errors_read":%d,"errors_write":%d,"errors_status":%d,"errors_timeout":%d',
      e.connect, e.read, e.write, e.status, e.timeout),
    string.format('"lat_min":%d,"lat_mean":%.1f,"lat_max":%d,"lat_stdev":%.1f',
      latency.min, latency.mean, latency.max, latency.stdev),
  }
  for _, p in ipairs({50, 75, 90, 95, 99, 99.9}) do
    parts[#parts + 1] = string.format('"p%s":%d', tostring(p), latency:percentile(p))
  end
  io.write("BENCH_RESULT {" .. table.concat(parts, ",") .. "}\n")
end
