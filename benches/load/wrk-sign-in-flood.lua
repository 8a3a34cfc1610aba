-- wrk script: a flood of wrong sign-ins, each for its own email and from its own client address,
-- so that neither lockout (5 per email, 20 per address) stops it. The address is sent as
-- X-Forwarded-For, which the server believes only because scripts/sign-in-flood.sh starts it
-- with HONORARIA_TRUSTED_PROXIES=127.0.0.1; the form token is the double-submit pair any
-- browser gets from the sign-in page. Prints the answers by status when done.
-- usage: wrk -t1 -c200 -d10s -s benches/load/wrk-sign-in-flood.lua http://127.0.0.1:PORT/staff/sign-in
local threads = {}
local next_tid = 0

function setup(thread)
  next_tid = next_tid + 1
  thread:set("tid", next_tid)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  s303, s401, s429, s503, other = 0, 0, 0, 0, 0
end

local token = "abcdefghijklmnopqrstuvwxyz012345"

function request()
  counter = counter + 1
  local address = string.format("10.%d.%d.%d", tid, math.floor(counter / 256) % 256, counter % 256)
  local body = "csrf_token=" .. token .. "&email=flood" .. tid .. "-" .. counter ..
    "%40example.jp&password=wrong-password-" .. counter .. "&totp=&next="
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "honoraria_form=" .. token,
    ["X-Forwarded-For"] = address,
  }, body)
end

function response(status, headers, body)
  if status == 303 then s303 = s303 + 1
  elseif status == 401 then s401 = s401 + 1
  elseif status == 429 then s429 = s429 + 1
  elseif status == 503 then s503 = s503 + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local t = { s401 = 0, s429 = 0, s503 = 0, other = 0 }
  for _, thread in ipairs(threads) do
    for k, _ in pairs(t) do t[k] = t[k] + thread:get(k) end
  end
  io.write(string.format("sign-ins=%d judged_401=%d locked_429=%d busy_503=%d other=%d socket_errors=%d p50_ms=%.1f p99_ms=%.1f rps=%.0f\n",
    summary.requests, t.s401, t.s429, t.s503, t.other,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50)/1000, latency:percentile(99)/1000, summary.requests / (summary.duration/1e6)))
end
